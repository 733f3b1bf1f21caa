// The hello handshake with a freshly started child: protocol version negotiation (newest first),
// then the checks on its reply (statement, executeBatch limit, served hardware needs protocol 2,
// the framing of every later message: JSON lines, or CBOR frames when offered and chosen).
import { CONTRACT_VERSION, type Statement } from '../contract.ts';
import { PROTOCOL_VERSION, checkStatement, excerpt } from './protocol.ts';
import { helloVersions } from './served.ts';
import { batchLimitOf } from './batch.ts';
import { fail, type Child, type Reply } from './child.ts';
import { CBOR_FRAMING } from './framing.ts';

/** Says hello to `child` and checks its reply. Throws ImplementationError('protocol') (or the request's fault). */
export async function hello(child: Child, timeoutMs: number, offerFrames = true): Promise<{ statement: Statement; batch: number | undefined }> {
  // Offer the newest version; one that refuses it as unsupported is offered the older ones.
  let reply: Reply | undefined;
  let offered = PROTOCOL_VERSION;
  for (const v of helloVersions()) {
    offered = v;
    reply = await child.request({ id: child.nextId++, method: 'hello', protocol: v, contract: CONTRACT_VERSION, ...(offerFrames ? { framing: [CBOR_FRAMING] } : {}) }, 'statement', timeoutMs);
    if (!('error' in reply) || (reply.error as { kind?: unknown }).kind !== 'unsupported-version') break;
  }
  if ('error' in reply!) {
    const e = reply.error as { kind: string; message: string };
    throw fail(`the implementation refused hello: ${e.kind}: ${e.message}${child.stderrNote()}`, 'protocol');
  }
  const spoken = reply!.protocol;
  if (typeof spoken !== 'number' || !Number.isInteger(spoken) || spoken < 1 || spoken > offered) {
    throw fail(`the implementation speaks protocol ${JSON.stringify(spoken)}; this runner speaks 1..${PROTOCOL_VERSION} and offered ${offered}${child.stderrNote()}`, 'protocol');
  }
  const s = checkStatement(reply!.statement);
  if (!s.ok) throw fail(`bad hello reply: ${s.problem}${child.stderrNote()}`, 'protocol');
  const batch = batchLimitOf(reply!);
  if (typeof batch === 'object') throw fail(`${batch.problem}${child.stderrNote()}`, 'protocol');
  if (s.statement.hardware === 'served' && spoken < 2) throw fail(`bad hello reply: statement.hardware "served" needs protocol 2, the implementation speaks ${spoken}${child.stderrNote()}`, 'protocol');
  const framing = reply!.framing;
  if (framing !== undefined && (!offerFrames || framing !== CBOR_FRAMING)) {
    throw fail(`bad hello reply: framing ${excerpt(JSON.stringify(framing) ?? '')} was not offered (offered: ${offerFrames ? JSON.stringify([CBOR_FRAMING]) : 'none'}); leave it out to speak JSON lines${child.stderrNote()}`, 'protocol');
  }
  // Served hardware interleaves hardware requests with the op's reply: JSON lines only.
  if (framing !== undefined && s.statement.hardware === 'served') throw fail(`bad hello reply: framing "${framing}" with statement.hardware "served"; served hardware speaks JSON lines only${child.stderrNote()}`, 'protocol');
  if (framing === CBOR_FRAMING) child.useFrames();
  return { statement: s.statement, batch };
}
