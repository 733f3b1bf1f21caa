// Per-process user memory covering the userland window userWindowStart..=userWindowEnd.
//
// r2 behaviour (kernel.syscall.copy-past-window): the memory does not stop at the window end. The
// kernel checks only the *start* of a user buffer (spec-notes §1, hazard §9.4) and then copies
// a derived length, so a copy may run past userWindowEnd. To make that observable rather than
// undefined, each process's memory extends GUARD bytes past the window end, where GUARD is
// one more than the largest length the kernel ever derives from a header (a u16 field). Every
// byte a kernel copy touches is therefore stored, can be peeked, and is reported by the
// caller as an out-of-window access (outsideWindow() counts them). Pages are allocated lazily,
// so a 4 MiB window costs nothing until it is touched.
import type { Limits } from '../spec/profile.ts';
import { MAX_U16_LENGTH } from './constants.ts';

const PAGE = 4096;

export class UserMemory {
  /** First and last (inclusive) address of the userland window. */
  readonly windowStart: number;
  readonly windowEnd: number;
  /** Bytes stored past windowEnd so overrunning copies stay observable. */
  readonly guardBytes = MAX_U16_LENGTH + 1;
  /** Exclusive end of the stored region. */
  readonly limit: number;
  private readonly pages = new Map<number, Uint8Array>();

  constructor(limits: Pick<Limits, 'userWindowStart' | 'userWindowEnd'>) {
    this.windowStart = limits.userWindowStart;
    this.windowEnd = limits.userWindowEnd;
    this.limit = this.windowEnd + 1 + this.guardBytes;
  }

  /** The pointer check every syscall applies to its buffer argument (start address only). */
  inWindow(addr: number): boolean {
    return Number.isSafeInteger(addr) && addr >= this.windowStart && addr <= this.windowEnd;
  }

  /** True when [addr, addr+len) lies inside the stored region (window + guard). */
  stored(addr: number, len: number): boolean {
    return Number.isSafeInteger(addr) && Number.isSafeInteger(len) && len >= 0 && addr >= this.windowStart && addr + len <= this.limit;
  }

  /** How many bytes of [addr, addr+len) lie outside the userland window. */
  outsideWindow(addr: number, len: number): number {
    if (len <= 0) return 0;
    const lo = Math.max(addr, this.windowStart);
    const hi = Math.min(addr + len - 1, this.windowEnd);
    return hi < lo ? len : len - (hi - lo + 1);
  }

  /** Raw read; bytes outside the stored region read as zero (never reached by the kernel). */
  read(addr: number, len: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, len));
    this.chunks(addr, out.length, (page, off, at, n) => out.set(page.subarray(off, off + n), at), false);
    return out;
  }

  /** Raw write; bytes outside the stored region are discarded (never reached by the kernel). */
  write(addr: number, bytes: Uint8Array): void {
    this.chunks(addr, bytes.length, (page, off, at, n) => page.set(bytes.subarray(at, at + n), off), true);
  }

  /** Visits the stored part of [addr, addr+len) page by page: fn(page, offsetInPage, offsetInRange, n). */
  private chunks(addr: number, len: number, fn: (page: Uint8Array, off: number, at: number, n: number) => void, create: boolean): void {
    const lo = Math.max(addr, this.windowStart);
    const hi = Math.min(addr + len, this.limit);
    for (let a = lo; a < hi; ) {
      const pageNo = Math.floor(a / PAGE);
      const off = a - pageNo * PAGE;
      const n = Math.min(PAGE - off, hi - a);
      let page = this.pages.get(pageNo);
      if (!page && create) {
        page = new Uint8Array(PAGE);
        this.pages.set(pageNo, page);
      }
      if (page) fn(page, off, a - addr, n);
      a += n;
    }
  }
}
