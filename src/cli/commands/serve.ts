// r2net serve: the reference (or one deliberately wrong mutant) served over the out-of-process
// protocol on stdin/stdout (spec/contract/protocol.md). It is the worked example for
// implementers and what the adapter's own tests run against:
//   r2net run --impl "node bin/r2net.js serve --mutant ipv4-ttl-255"
// stdout carries protocol replies only; everything else goes to stderr.
import type { Implementation, Json } from '../../iut/contract.ts';
import { createReference } from '../../iut/reference.ts';
import { DEFAULT_SERVE_BOUNDS, serveImplementation } from '../../iut/process/server.ts';
import { blockingChunks } from '../../iut/process/blocking-input.ts';
import { allMutants } from '../../../properties/mutants/index.ts';
import { mutantImplementation } from '../../../properties/mutants/mutant.ts';
import { log, out, parseCommand, parseLayers, parsePositive, UsageError } from '../args.ts';
import { serveReferenceHardware } from '../../iut/served/served-reference.ts';

function parseOptions(v: string | undefined): Record<string, Json> | undefined {
  if (v === undefined) return undefined;
  let o: unknown;
  try {
    o = JSON.parse(v);
  } catch (e) {
    throw new UsageError(`--options must be a JSON object: ${(e as Error).message}`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new UsageError('--options must be a JSON object, e.g. {"mac":"525400123456"}');
  return o as Record<string, Json>;
}

const SERVE = {
  name: 'serve',
  usage: `Usage: r2net serve [--mutant NAME|list] [--layers L,L...] [--options JSON] [--hardware served] [--json-lines] [--quiet]

Serves the reference (or a deliberately wrong mutant) over the out-of-process protocol
(spec/contract/protocol.md) on stdin/stdout, e.g.
  r2net run --impl "node bin/r2net.js serve --mutant ipv4-ttl-255"

  --mutant NAME|list       serve a mutant instead of the reference ('list' names them)
  --layers L,L...          declare only these layers
  --options JSON           statement options, e.g. {"mac":"525400123456"}
  --hardware served        the reference's drivers and kernel only (protocol 2): every port
                           access and DMA is a hardware request to the r2net that runs it
  --max-request-bytes N    longest request line accepted (default ${DEFAULT_SERVE_BOUNDS.maxRequestBytes})
  --max-reply-bytes N      longest reply line written; a larger trace gets an error reply
                           (default ${DEFAULT_SERVE_BOUNDS.maxReplyBytes})
  --json-lines             JSON lines throughout, even when hello offers CBOR frames
                           (spec/contract/protocol.md, "Binary framing")
  --quiet                  no banner on stderr
  -h, --help               this text`,
  options: {
    mutant: { type: 'string' },
    layers: { type: 'string' },
    options: { type: 'string' },
    'max-request-bytes': { type: 'string' },
    'max-reply-bytes': { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'json-lines': { type: 'boolean', default: false },
    hardware: { type: 'string' },
  },
} as const;

export async function cmdServe(argv: string[]): Promise<number> {
  const parsed = parseCommand(SERVE, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const bounds = {
    maxRequestBytes: parsePositive(values['max-request-bytes'], '--max-request-bytes', DEFAULT_SERVE_BOUNDS.maxRequestBytes),
    maxReplyBytes: parsePositive(values['max-reply-bytes'], '--max-reply-bytes', DEFAULT_SERVE_BOUNDS.maxReplyBytes),
    frames: !values['json-lines'],
  };
  if (values.mutant === 'list') {
    for (const m of allMutants) out(`${m.name}\t${m.layer}\t${m.description}`);
    return 0;
  }
  const layers = parseLayers(values.layers);
  const options = parseOptions(values.options);
  if (values.hardware !== undefined) {
    // Protocol 2: the reference's drivers here, every port access and DMA served by r2net.
    if (values.hardware !== 'served') throw new UsageError(`--hardware must be 'served', got '${values.hardware}'`);
    if (values.mutant !== undefined) throw new UsageError('--hardware served runs the reference, not a mutant');
    if (!values.quiet) log('r2net serve: the reference with served hardware (protocol 2) on stdin/stdout');
    return serveReferenceHardware({ ...(layers ? { layers } : {}), ...(options ? { options } : {}) });
  }
  let impl: Implementation;
  if (values.mutant !== undefined) {
    const m = allMutants.find((x) => x.name === values.mutant);
    if (!m) throw new UsageError(`no mutant '${values.mutant}' (r2net serve --mutant list; names: ${allMutants.map((x) => x.name).join(', ')})`);
    impl = layers || options
      ? createReference({ name: `mutant:${m.name}`, overrides: { [m.layer]: m.executor }, ...(layers ? { layers } : {}), ...(options ? { options } : {}) })
      : mutantImplementation(m);
  } else {
    impl = createReference({ ...(layers ? { layers } : {}), ...(options ? { options } : {}) });
  }
  const s = impl.statement;
  if (!values.quiet) log(`r2net serve: ${s.name} ${s.version} (layers ${s.layers.join(', ')}) on stdin/stdout`);
  // Blocking reads of fd 0 (blocking-input.ts); process.stdin only if the descriptor is non-blocking.
  let stdin: NodeJS.ReadStream | undefined;
  await serveImplementation(impl, blockingChunks(0, () => (stdin = process.stdin)), process.stdout, bounds);
  stdin?.destroy(); // nothing more is read; let the process end
  return 0;
}
