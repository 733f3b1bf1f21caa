// Guest memory of a QEMU machine: every read and write is a qtest command, so what the drivers
// see is what QEMU's RTL8139 DMAed. Device writes are announced to the memory's listeners by
// the NIC's outside (nic.ts) once a frame has landed, as the model's DMA is.
import { ForwardedMemory } from '../forwarded-memory.ts';
import type { QtestChannel } from './qtest.ts';

/** The largest single qtest transfer (one command line of 2 hex digits per byte). */
const CHUNK = 0x8000;

export class QemuMemory extends ForwardedMemory {
  constructor(readonly qtest: QtestChannel) {
    super();
  }

  override read(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.trunc(length)));
    for (let at = 0; at < out.length; at += CHUNK) out.set(this.qtest.read((addr + at) >>> 0, Math.min(CHUNK, out.length - at)), at);
    return out;
  }

  override write(addr: number, bytes: Uint8Array): void {
    for (let at = 0; at < bytes.length; at += CHUNK) this.qtest.write((addr + at) >>> 0, bytes.subarray(at, at + CHUNK));
    this.notify(addr >>> 0, bytes.length);
  }

  override fill(addr: number, length: number, value = 0): void {
    const n = Math.max(0, Math.trunc(length));
    this.qtest.fill(addr >>> 0, n, value);
    this.notify(addr >>> 0, n);
  }

  /** A write QEMU's device made (DMA): listeners hear it like any write. */
  deviceWrote(addr: number, length: number): void {
    this.notify(addr >>> 0, length);
  }
}
