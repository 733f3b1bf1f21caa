// Hardware requests of protocol version 2 (spec/contract/protocol.md, "Served hardware"): what
// an implementation may ask while r2net waits for an op's result, checked and answered against
// a HardwareSeam. A request that is not well formed is refused with a sentence naming it; the
// machine is untouched by a refused request.
import type { Json } from '../contract.ts';
import type { Width } from '../../hw/bus.ts';
import { fromHex, toHex } from '../../util/bytes.ts';
import type { DeviceWrite, HardwareSeam } from './seam.ts';

/** Largest guest-memory transfer one request may ask for (a whole RX allocation fits many times). */
export const MAX_MEMORY_TRANSFER = 0x10000;
const ADDRESS_SPACE = 2 ** 32;

export const HW_METHODS = ['in', 'out', 'read', 'write'] as const;

export type HwOutcome = { ok: true; reply: Record<string, Json> } | { ok: false; problem: string };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isUint = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
const hexNum = (v: unknown): string => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? `0x${v.toString(16)}` : JSON.stringify(v) ?? 'nothing');

/** "hardware request #7 (in port 0x10000, width 3)": how error messages name a request. */
export function describeRequest(msg: Record<string, unknown>): string {
  const k = typeof msg.hw === 'number' ? `#${msg.hw}` : JSON.stringify(msg.hw);
  const m = msg.method;
  let what: string;
  if (m === 'in' || m === 'out') what = `${m} port ${hexNum(msg.port)}, width ${JSON.stringify(msg.width)}${m === 'out' ? `, value ${hexNum(msg.value)}` : ''}`;
  else if (m === 'read') what = `read ${JSON.stringify(msg.len)} bytes at ${hexNum(msg.addr)}`;
  else if (m === 'write') what = `write ${typeof msg.bytes === 'string' ? msg.bytes.length / 2 : JSON.stringify(msg.bytes)} bytes at ${hexNum(msg.addr)}`;
  else what = `method ${JSON.stringify(m) ?? 'missing'}`;
  return `hardware request ${k} (${what})`;
}

export const pushJson = (writes: DeviceWrite[]): Json[] => writes.map((w) => ({ addr: w.addr, bytes: toHex(w.bytes) }));

function width(v: unknown): Width | undefined {
  return v === 1 || v === 2 || v === 4 ? v : undefined;
}

function checkRange(addr: unknown, len: number): string | undefined {
  if (!isUint(addr, ADDRESS_SPACE - 1)) return `addr must be an integer guest-physical address 0..0xffffffff`;
  if (addr + len > ADDRESS_SPACE) return `the range ends past the 32-bit guest address space`;
  return undefined;
}

/** Checks and serves one hardware request. Device writes it caused ride on the reply (`dma`). */
export function serveHardwareRequest(msg: Record<string, unknown>, seam: HardwareSeam): HwOutcome {
  const refuse = (why: string): HwOutcome => ({ ok: false, problem: `${describeRequest(msg)}: ${why}` });
  if (!isUint(msg.hw, Number.MAX_SAFE_INTEGER)) return refuse(`'hw' must be a non-negative integer`);
  const reply: Record<string, Json> = { hw: msg.hw };
  switch (msg.method) {
    case 'in':
    case 'out': {
      const w = width(msg.width);
      if (!w) return refuse('width must be 1, 2 or 4');
      if (!isUint(msg.port, 0x10000 - w)) return refuse(`port must be an integer 0..0x${(0x10000 - w).toString(16)} (the 64 Ki x86 I/O space)`);
      if (msg.method === 'in') reply.value = seam.bus.read(msg.port, w);
      else {
        const max = w === 4 ? 0xffffffff : (1 << (8 * w)) - 1;
        if (!isUint(msg.value, max)) return refuse(`value must be an integer 0..0x${max.toString(16)} for width ${w}`);
        seam.bus.write(msg.port, w, msg.value);
        reply.ok = true;
      }
      break;
    }
    case 'read': {
      if (!isUint(msg.len, MAX_MEMORY_TRANSFER)) return refuse(`len must be an integer 0..${MAX_MEMORY_TRANSFER}`);
      const bad = checkRange(msg.addr, msg.len);
      if (bad) return refuse(bad);
      reply.bytes = toHex(seam.memory.read(msg.addr as number, msg.len));
      break;
    }
    case 'write': {
      const bytes = typeof msg.bytes === 'string' ? fromHex(msg.bytes) : undefined;
      if (!bytes) return refuse(`bytes must be a lowercase hex string`);
      if (bytes.length > MAX_MEMORY_TRANSFER) return refuse(`at most ${MAX_MEMORY_TRANSFER} bytes per write`);
      const bad = checkRange(msg.addr, bytes.length);
      if (bad) return refuse(bad);
      seam.memory.write(msg.addr as number, bytes);
      reply.ok = true;
      break;
    }
    default:
      return refuse(`unknown method (hardware methods: ${HW_METHODS.join(', ')})`);
  }
  const dma = seam.takeDeviceWrites();
  if (dma.length > 0) reply.dma = pushJson(dma);
  return { ok: true, reply };
}

/** A line the implementation wrote is a hardware request when it is an object with `hw`. */
export function asHardwareRequest(line: string): Record<string, unknown> | undefined {
  if (!line.includes('"hw"')) return undefined;
  try {
    const v: unknown = JSON.parse(line);
    return isObject(v) && 'hw' in v ? v : undefined;
  } catch {
    return undefined;
  }
}
