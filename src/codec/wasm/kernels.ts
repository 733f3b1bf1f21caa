// The codec's WebAssembly kernels (codec.wat, built into codec.wasm): the RFC 1071 sum and SLIP
// escaping/unescaping, 16 bytes at a time with SIMD. Each call copies its input into the
// module's memory (one memcpy), runs one function, and the caller copies the result out.
// WebAssembly with SIMD is part of every Node.js this project supports (engines: >= 20.19);
// where it is missing, the first call says so.
import { readFileSync } from 'node:fs';

/** Byte offsets of the module's regions (codec.wat's memory: 4 pages, never grown). */
export const MEMORY = {
  /** Checksum input: [0, 64 KiB). */
  sumIn: 0,
  sumMax: 0x10000,
  /** SLIP input window: [64 KiB, 128 KiB). */
  slipIn: 0x10000,
  /** SLIP output: [128 KiB, 256 KiB): an encoding of 2n + 2 bytes plus 16 bytes of block slack. */
  slipOut: 0x20000,
  slipOutBytes: 0x20000,
} as const;

/** Largest datagram slipEncode hands to the kernel: 2n + 2 + 16 must fit the output region. */
export const SLIP_ENCODE_MAX = (MEMORY.slipOutBytes - 18) >> 1;
/** Largest input window slipUnescape gets: consumed and written each fit 16 bits of its result. */
export const SLIP_WINDOW = 0x8000;

export interface WasmKernels {
  /** The module's memory as bytes (one view, valid for good: the memory never grows). */
  mem: Uint8Array;
  /** Folded ones'-complement sum of mem[p, p+n), words paired from p. */
  sum(p: number, n: number): number;
  /** END + mem[i, i+n) escaped + END, written at o; returns its size. */
  slipEncode(i: number, n: number, o: number): number;
  /** Decodes mem[i, i+n) at o up to an END, an incomplete/bad escape or `room` bytes; returns consumed + 65536 * written. */
  slipUnescape(i: number, n: number, o: number, room: number): number;
}

/** The part of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}

function instantiate(): WasmKernels {
  const api = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;
  const bytes = readFileSync(new URL('./codec.wasm', import.meta.url));
  try {
    if (!api) throw new Error('no WebAssembly in this runtime');
    const ex = new api.Instance(new api.Module(bytes), {}).exports as Omit<WasmKernels, 'mem'> & { memory: { buffer: ArrayBuffer } };
    return { mem: new Uint8Array(ex.memory.buffer), sum: ex.sum, slipEncode: ex.slipEncode, slipUnescape: ex.slipUnescape };
  } catch (e) {
    throw new Error(`the codec needs WebAssembly with SIMD (Node.js >= 20.19) for src/codec/wasm/codec.wasm: ${(e as Error).message}`);
  }
}

let kernels: WasmKernels | undefined;

/** The kernels, instantiated on first use. */
export const wasmKernels = (): WasmKernels => (kernels ??= instantiate());
