// Protocol version 2 on the adapter's side (spec/contract/protocol.md, "Served hardware"): the
// hello versions offered, and the link a served layer executor sends its driver ops over. While
// an op waits, every line the implementation writes with an `hw` member is a hardware request,
// answered at once against r2net's machine; the op's result ends the exchange. Faults (a bad
// request, more than the profile's servedRequestsPerOp in one op, a request outside an op)
// fail the scenario with a message naming the request.
import type { Json } from '../contract.ts';
import { ImplementationError } from '../contract.ts';
import { PROTOCOL_VERSION, MIN_PROTOCOL_VERSION, excerpt, type Request } from './protocol.ts';
import { asHardwareRequest, describeRequest, pushJson, serveHardwareRequest } from '../served/requests.ts';
import { checkOpResult, type ServedLink } from '../served/link.ts';

/**
 * Looks at one line while a request waits: the reply line to write back (a served hardware
 * request), an Error (a fault: the request fails), or undefined (not a hardware request).
 */
export type HwHandler = (line: string) => string | Error | undefined;

/** The versions hello offers, newest first (a refusal as unsupported-version tries the next). */
export const helloVersions = (): number[] => Array.from({ length: PROTOCOL_VERSION - MIN_PROTOCOL_VERSION + 1 }, (_, i) => PROTOCOL_VERSION - i);

/** A hardware request that arrives while no op waits is a fault; undefined for any other line. */
export function hwRequestOutsideOp(line: string, pending: string | undefined, answered: number): Error | undefined {
  const m = asHardwareRequest(line);
  if (!m) return undefined;
  const when = pending ? `while request ${pending} (not an op) was pending` : `while no op was pending (after ${answered} replies: a request after the op's reply)`;
  return new Error(`${describeRequest(m)} arrived ${when}; hardware requests are answered only during an op of a served layer`);
}

/** The part of the adapter's child process the link needs. */
export interface LinkChild {
  nextId: number;
  request(req: Request, field: 'result', timeoutMs: number, hw: HwHandler): Promise<Record<string, unknown>>;
}

export function servedLink(child: LinkChild, timeoutMs: number, maxRequests: number): ServedLink {
  return {
    async op(req, seam) {
      const id = child.nextId++;
      let count = 0;
      const hw: HwHandler = (line) => {
        const m = asHardwareRequest(line);
        if (!m) return undefined;
        if (m.for !== id) {
          const which = typeof m.for === 'number' && m.for < id ? `op request #${m.for}, answered already (a request after its reply)` : `${JSON.stringify(m.for) ?? 'no op request'}`;
          return new Error(`${describeRequest(m)} is for ${which}, while op request #${id} (op #${req.index}, ${req.op.op}) is pending; 'for' must name the pending op request`);
        }
        if (++count > maxRequests) {
          return new Error(`request flood: more than ${maxRequests} hardware requests (the profile's servedRequestsPerOp) during op #${req.index} (${req.op.op}); the last: ${describeRequest(m)}`);
        }
        const out = serveHardwareRequest(m, seam);
        return out.ok ? JSON.stringify(out.reply) : new Error(`bad ${out.problem}, during op #${req.index} (${req.op.op}); r2net's machine is unchanged by it`);
      };
      const dma = seam.takeDeviceWrites();
      const msg: Request = {
        id,
        method: 'op',
        layer: req.layer,
        index: req.index,
        op: req.op as unknown as Json,
        ...(req.reset ? { reset: true as const } : {}),
        ...(dma.length > 0 ? { dma: pushJson(dma) } : {}),
      };
      const reply = await child.request(msg, 'result', timeoutMs, hw);
      if ('error' in reply) {
        const e = reply.error as { kind: string; message: string };
        throw new ImplementationError(`the implementation answered op #${req.index} (${req.op.op}) with an error reply: ${e.kind}: ${e.message}`, 'protocol');
      }
      const r = checkOpResult(reply.result);
      if (!r.ok) throw new ImplementationError(`bad reply to op #${req.index} (${req.op.op}): ${r.problem}: ${excerpt(JSON.stringify(reply.result) ?? 'undefined')}`, 'protocol');
      return r.result;
    },
  };
}
