// Guest physical memory: where the kernel's RX ring and TX buffers live and where the NIC DMAs.
// Sparse 4 KiB pages over a 32-bit address space (the RTL8139 is a 32-bit DMA master), so any
// address a driver programs into RBSTART/TSAD is backed and nothing is ever out of range.
import type { Profile } from '../spec/profile.ts';

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const ADDR_SPACE = 2 ** 32;

const wrap = (addr: number): number =>
  addr >= 0 && addr < ADDR_SPACE && Number.isInteger(addr) ? addr : ((Math.trunc(addr) % ADDR_SPACE) + ADDR_SPACE) % ADDR_SPACE;

/** Observes a write into guest memory: its start address and length (after it happened). */
export type MemoryListener = (addr: number, length: number) => void;

export class GuestMemory {
  private readonly pages = new Map<number, Uint8Array>();
  /** The page last looked up (DMA and the driver hit the same ring page again and again). */
  private lastPageNo = -1;
  private lastPage: Uint8Array | undefined;
  private readonly listeners: MemoryListener[] = [];

  /** Observes every write (DMA included) for the memory's lifetime (one scenario's machine). */
  tap(listener: MemoryListener): void {
    this.listeners.push(listener);
  }

  /** Copies `length` bytes out; untouched memory reads as zero. */
  read(addr: number, length: number): Uint8Array {
    const n = Math.max(0, Math.trunc(length));
    const a = wrap(addr);
    const inPage = a & (PAGE_SIZE - 1);
    // Inside one written page (a TX DMA, say): one copy, no view of the page.
    const page = inPage + n <= PAGE_SIZE ? this.existing(a >>> PAGE_BITS) : undefined;
    if (page) return page.slice(inPage, inPage + n);
    const out = new Uint8Array(n);
    this.readInto(addr, out.length, out);
    return out;
  }

  /**
   * Copies `length` bytes (cut to what fits in `into` after `at`) into `into` at `at`, with
   * no allocation; returns how many were copied. Untouched memory reads as zero.
   */
  readInto(addr: number, length: number, into: Uint8Array, at = 0): number {
    const total = Math.max(0, Math.min(Math.trunc(length), into.length - at));
    for (let i = 0; i < total; ) {
      const a = wrap(addr + i);
      const inPage = a & (PAGE_SIZE - 1);
      const n = Math.min(PAGE_SIZE - inPage, total - i);
      const page = this.existing(a >>> PAGE_BITS);
      if (page) into.set(n === PAGE_SIZE ? page : new Uint8Array(page.buffer, inPage, n), at + i);
      else into.fill(0, at + i, at + i + n);
      i += n;
    }
    return total;
  }

  write(addr: number, bytes: Uint8Array): void {
    const start = wrap(addr);
    const inPage = start & (PAGE_SIZE - 1);
    if (bytes.length > 0 && inPage + bytes.length <= PAGE_SIZE) {
      this.page(start >>> PAGE_BITS).set(bytes, inPage); // the common case: one page
    } else {
      for (let i = 0; i < bytes.length; ) {
        const a = wrap(addr + i);
        const off = a & (PAGE_SIZE - 1);
        const n = Math.min(PAGE_SIZE - off, bytes.length - i);
        this.page(a >>> PAGE_BITS).set(bytes.subarray(i, i + n), off);
        i += n;
      }
    }
    this.notify(start, bytes.length);
  }

  fill(addr: number, length: number, value = 0): void {
    const total = Math.max(0, Math.trunc(length));
    for (let i = 0; i < total; ) {
      const a = wrap(addr + i);
      const off = a & (PAGE_SIZE - 1);
      const n = Math.min(PAGE_SIZE - off, total - i);
      this.page(a >>> PAGE_BITS).fill(value & 0xff, off, off + n);
      i += n;
    }
    this.notify(wrap(addr), total);
  }

  readU8(addr: number): number {
    const a = wrap(addr);
    return this.existing(a >>> PAGE_BITS)?.[a & (PAGE_SIZE - 1)] ?? 0;
  }

  readU16LE(addr: number): number {
    return this.readU8(addr) | (this.readU8(addr + 1) << 8);
  }

  protected notify(addr: number, length: number): void {
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i]!(addr, length);
  }

  /** Page `n` if it was ever written, else undefined. */
  private existing(n: number): Uint8Array | undefined {
    if (n === this.lastPageNo) return this.lastPage;
    const p = this.pages.get(n);
    if (p) {
      this.lastPageNo = n;
      this.lastPage = p;
    }
    return p;
  }

  /** Page `n`, created (zeroed) on first use. */
  private page(n: number): Uint8Array {
    let p = this.existing(n);
    if (!p) {
      p = new Uint8Array(PAGE_SIZE);
      this.pages.set(n, p);
      this.lastPageNo = n;
      this.lastPage = p;
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
