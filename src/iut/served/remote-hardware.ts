// The client side of served hardware, in TypeScript: port I/O and guest memory that are
// requests to r2net (protocol 2), answered before the call returns. What the served reference's
// drivers run on; the C and Rust client libraries (clients/) are the same thing for other code.
import type { PortIo, Width } from '../../hw/bus.ts';
import { ForwardedMemory } from '../../hw/forwarded-memory.ts';
import { fromHex, toHex } from '../../util/bytes.ts';
import { MAX_MEMORY_TRANSFER } from './requests.ts';
import type { SyncLines } from './sync-lines.ts';

/** r2net answered a hardware request with something else than its reply: the op cannot go on. */
export class HardwareLinkError extends Error {
  override name = 'HardwareLinkError';
}

export class RemoteHardware {
  #next = 0;
  /** The id of the op request being served: every hardware request names it (`for`). */
  forOp = -1;
  constructor(readonly lines: SyncLines) {}

  /** Sends one hardware request and blocks until r2net's reply to it. */
  call(req: Record<string, number | string>): Record<string, unknown> {
    const hw = this.#next++;
    this.lines.write(JSON.stringify({ hw, for: this.forOp, ...req }));
    const line = this.lines.read();
    if (line === undefined) throw new HardwareLinkError(`input ended while waiting for the reply to hardware request #${hw}`);
    const v = JSON.parse(line) as Record<string, unknown>;
    if (v === null || typeof v !== 'object' || v.hw !== hw) throw new HardwareLinkError(`expected the reply to hardware request #${hw}, got: ${line.slice(0, 200)}`);
    return v;
  }
}

export function remotePortIo(hw: RemoteHardware): PortIo {
  const read = (port: number, width: Width): number => {
    const v = hw.call({ method: 'in', port, width }).value;
    if (typeof v !== 'number') throw new HardwareLinkError(`r2net's reply to in 0x${port.toString(16)} has no value`);
    return v;
  };
  const write = (port: number, width: Width, value: number): void => {
    hw.call({ method: 'out', port, width, value: (value & (width === 4 ? 0xffffffff : (1 << (8 * width)) - 1)) >>> 0 });
  };
  return {
    inb: (p) => read(p, 1),
    inw: (p) => read(p, 2),
    inl: (p) => read(p, 4),
    outb: (p, v) => write(p, 1, v),
    outw: (p, v) => write(p, 2, v),
    outl: (p, v) => write(p, 4, v),
  };
}

/**
 * Guest memory reached through read/write requests: the reference drivers already go through
 * a memory object, so they use r2net's guest memory directly (no mirror to keep coherent).
 */
export class RemoteMemory extends ForwardedMemory {
  constructor(readonly hw: RemoteHardware) {
    super();
  }

  override read(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.trunc(length)));
    for (let at = 0; at < out.length; at += MAX_MEMORY_TRANSFER) {
      const len = Math.min(MAX_MEMORY_TRANSFER, out.length - at);
      const b = this.hw.call({ method: 'read', addr: (addr + at) >>> 0, len }).bytes;
      const bytes = typeof b === 'string' ? fromHex(b) : undefined;
      if (!bytes || bytes.length !== len) throw new HardwareLinkError(`r2net's reply to a ${len}-byte read has no such bytes`);
      out.set(bytes, at);
    }
    return out;
  }

  override fill(addr: number, length: number, value = 0): void {
    this.write(addr, new Uint8Array(Math.max(0, Math.trunc(length))).fill(value & 0xff));
  }

  override write(addr: number, bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += MAX_MEMORY_TRANSFER) {
      this.hw.call({ method: 'write', addr: (addr + at) >>> 0, bytes: toHex(bytes.subarray(at, at + MAX_MEMORY_TRANSFER)) });
    }
  }
}
