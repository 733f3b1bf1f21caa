// Guest memory that lives elsewhere (r2net's, over protocol 2; QEMU's, over qtest). Subclasses
// override read and write; the fast read paths GuestMemory adds for its own pages all go through
// read here, so the local pages stay empty and nothing is read from them by mistake.
import { GuestMemory } from './memory.ts';

export abstract class ForwardedMemory extends GuestMemory {
  override readInto(addr: number, length: number, into: Uint8Array, at = 0): number {
    const total = Math.max(0, Math.min(Math.trunc(length), into.length - at));
    into.set(this.read(addr, total), at);
    return total;
  }

  override readU8(addr: number): number {
    return this.read(addr, 1)[0] ?? 0;
  }

  override readU16LE(addr: number): number {
    const b = this.read(addr, 2);
    return (b[0] ?? 0) | ((b[1] ?? 0) << 8);
  }
}
