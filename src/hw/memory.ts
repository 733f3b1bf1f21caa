// Guest physical memory: where the kernel's RX ring and TX buffers live and where the NIC DMAs.
// Sparse 4 KiB pages over a 32-bit address space (the RTL8139 is a 32-bit DMA master), so any
// address a driver programs into RBSTART/TSAD is backed and nothing is ever out of range.
import type { Profile } from '../spec/profile.ts';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const ADDR_SPACE = 2 ** 32;

const wrap = (addr: number): number => ((Math.trunc(addr) % ADDR_SPACE) + ADDR_SPACE) % ADDR_SPACE;

/** Observes a write into guest memory: its start address and length (after it happened). */
export type MemoryListener = (addr: number, length: number) => void;

export class GuestMemory {
  private readonly pages = new Map<number, Uint8Array>();
  private readonly listeners: MemoryListener[] = [];

  /** Observes every write (DMA included); returns the function that stops observing. */
  tap(listener: MemoryListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /** Copies `length` bytes out; untouched memory reads as zero. */
  read(addr: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.trunc(length)));
    for (let i = 0; i < out.length; ) {
      const a = wrap(addr + i);
      const inPage = a & (PAGE_SIZE - 1);
      const n = Math.min(PAGE_SIZE - inPage, out.length - i);
      const page = this.pages.get(a >>> PAGE_BITS);
      if (page) out.set(page.subarray(inPage, inPage + n), i);
      i += n;
    }
    return out;
  }

  write(addr: number, bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; ) {
      const a = wrap(addr + i);
      const inPage = a & (PAGE_SIZE - 1);
      const n = Math.min(PAGE_SIZE - inPage, bytes.length - i);
      this.page(a >>> PAGE_BITS).set(bytes.subarray(i, i + n), inPage);
      i += n;
    }
    for (const l of this.listeners) l(wrap(addr), bytes.length);
  }

  fill(addr: number, length: number, value = 0): void {
    this.write(addr, new Uint8Array(Math.max(0, Math.trunc(length))).fill(value & 0xff));
  }

  readU8(addr: number): number {
    return this.read(addr, 1)[0] ?? 0;
  }

  readU16LE(addr: number): number {
    const b = this.read(addr, 2);
    return (b[0] ?? 0) | ((b[1] ?? 0) << 8);
  }

  readU32LE(addr: number): number {
    const b = this.read(addr, 4);
    return ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
  }

  private page(n: number): Uint8Array {
    let p = this.pages.get(n);
    if (!p) {
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(n, p);
    }
    return p;
  }
}

/**
 * Where the kernel image keeps its NIC buffers (rtl8139.rs statics RX_BUFFER and TX_BUFFERS).
 * Addresses are ours to choose; sizes come from the profile.
 */
export interface DmaLayout {
  /** Physical address of RX_BUFFER, programmed into RBSTART. */
  rxRing: number;
  /** RX_BUFFER's allocation: ring + slack + overrun guard. */
  rxAllocBytes: number;
  /** Physical address of TX_BUFFERS[i], programmed into TSAD[i]. */
  txBuffers: number[];
  txBufferBytes: number;
}

/** 1 MiB: above real-mode memory, far below the userland window (0x600000..0xA00000). */
const RX_RING_ADDR = 0x0010_0000;

export function dmaLayout(profile: Profile): DmaLayout {
  const l = profile.limits;
  const rxAllocBytes = l.rxRingBytes + l.rxRingSlack + l.rxOverrunGuardBytes;
  // One unused page after the RX allocation, so a DMA write past the guard lands in memory
  // nobody owns (and a test can see it) instead of silently corrupting a TX buffer.
  const afterRx = Math.ceil((RX_RING_ADDR + rxAllocBytes) / PAGE_SIZE) * PAGE_SIZE + PAGE_SIZE;
  const txBuffers = Array.from({ length: l.txDescriptors }, (_, i) => afterRx + i * l.txBufferBytes);
  return { rxRing: RX_RING_ADDR, rxAllocBytes, txBuffers, txBufferBytes: l.txBufferBytes };
}
