// Kernel copies to and from a process's memory during one syscall. The kernel checks only a
// buffer's start address (spec-notes §1), then copies a length it derived; this helper does the
// copies and, when the syscall ends, reports any bytes that fell past the userland window as one
// kernel.hazard.unchecked-copy-length event per direction (hazard §9.4).
import type { Ledger } from './ledger.ts';
import type { Process } from './scheduler.ts';

interface Extent {
  lo: number;
  hi: number; // exclusive
}

export class UserAccess {
  private read: Extent | null = null;
  private written: Extent | null = null;

  constructor(
    private readonly proc: Process,
    private readonly syscall: number,
    private readonly ledger: Ledger,
  ) {}

  fromUser(addr: number, len: number): Uint8Array {
    this.read = grow(this.read, addr, len);
    return this.proc.memory.read(addr, len);
  }

  toUser(addr: number, bytes: Uint8Array): void {
    this.written = grow(this.written, addr, bytes.length);
    this.proc.memory.write(addr, bytes);
  }

  /** Reports out-of-window bytes; call once when the syscall (or its resumed half) ends. */
  finish(): void {
    this.report(this.read, 'from-user');
    this.report(this.written, 'to-user');
    this.read = this.written = null;
  }

  private report(e: Extent | null, direction: 'to-user' | 'from-user'): void {
    if (!e) return;
    const len = e.hi - e.lo;
    const outsideBytes = this.proc.memory.outsideWindow(e.lo, len);
    if (outsideBytes > 0)
      this.ledger.hazard({ hazard: 'unchecked-copy-length', pid: this.proc.pid, syscall: this.syscall, direction, addr: e.lo, len, outsideBytes });
  }
}

function grow(e: Extent | null, addr: number, len: number): Extent | null {
  if (len <= 0) return e;
  if (!e) return { lo: addr, hi: addr + len };
  return { lo: Math.min(e.lo, addr), hi: Math.max(e.hi, addr + len) };
}
