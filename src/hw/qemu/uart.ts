// The 16550's outside on a QEMU machine: the serial line is QEMU's FIFO chardev. Bytes the guest
// sends come out of uart.out (QEMU writes them while the THR write is served, before its qtest
// answer); bytes fed towards the guest go into uart.in, which QEMU reads only as its receive
// FIFO has room (flow control: QEMU's UART never overruns). Times are the virtual clock's: QEMU
// runs in real time, so byte timing is not observable here (spec/hardware/qemu.json).
import type { LineByte } from '../api.ts';
import type { IoBus } from '../bus.ts';
import type { Clock } from '../clock.ts';
import type { QemuProcess } from './process.ts';
import { readNow, writeAll } from './sync.ts';

/**
 * Bytes fed that QEMU never took, dropped before the system reset: after it QEMU's receive FIFO
 * has room again and would pull them in, so the next scenario would find DR set. Returns how many.
 */
export function dropUnfed(q: QemuProcess): number {
  const chunk = Buffer.alloc(1 << 16);
  let n = 0;
  for (let b = readNow(q.uartFds.in, chunk); b.length; b = readNow(q.uartFds.in, chunk)) n += b.length;
  return n;
}

/** Main-loop turns without QEMU taking a fed byte before feed() stops waiting for it. */
const STABLE_ROUNDS = 3;

export class QemuUart {
  readonly #in: number;
  readonly #out: number;
  readonly #chunk = Buffer.alloc(1 << 16);
  #line: LineByte[] = [];
  #fcr = 0;

  constructor(
    readonly q: QemuProcess,
    readonly base: number,
    readonly clock: Clock,
  ) {
    this.#in = q.uartFds.in;
    this.#out = q.uartFds.out;
  }

  /** FCR is write-only on the chip: the trace's FCR is the last value written. */
  watch(bus: IoBus): void {
    bus.tap((a) => {
      if (a.dir === 'out' && a.port === this.base + 2) this.#fcr = a.value & 0xf9; // the FIFO-clear bits (1, 2) clear themselves
    });
  }

  get line(): readonly LineByte[] {
    for (;;) {
      const b = readNow(this.#out, this.#chunk);
      if (b.length === 0) break;
      const t = this.clock.now();
      for (const byte of b) this.#line.push({ byte, time: t });
    }
    return this.#line;
  }

  /** Puts bytes on the line towards the guest and waits until QEMU has taken what it will. */
  feed(bytes: Uint8Array): void {
    writeAll(this.#in, Buffer.from(bytes), performance.now() + this.q.timeoutMs, () => this.q.alive());
    let left = -1;
    for (let stable = 0; stable < STABLE_ROUNDS; ) {
      this.q.qtest.barrier();
      // What is still in the pipe is read back and put back at once (nothing can come between).
      const rest = Buffer.from(readNow(this.#in, this.#chunk));
      if (rest.length) writeAll(this.#in, rest, performance.now() + this.q.timeoutMs, () => this.q.alive());
      stable = rest.length === left ? stable + 1 : 0;
      left = rest.length;
      if (left === 0) break;
    }
  }

  /** What the last scenario left on the line: forgotten (the next scenario starts with an empty line). */
  forgetLine(): void {
    void this.line;
    this.#line = [];
    this.#fcr = 0;
  }

  registers(): Record<string, number> {
    const q = this.q.qtest;
    const lcr = q.inp(this.base + 3, 1);
    q.out(this.base + 3, 1, lcr | 0x80);
    const dll = q.inp(this.base, 1);
    const dlm = q.inp(this.base + 1, 1);
    q.out(this.base + 3, 1, lcr);
    const divisor = (dlm << 8) | dll;
    return {
      DLL: dll,
      DLM: dlm,
      divisor,
      baud: divisor ? 115200 / divisor : 0,
      bitsPerChar: 5 + (lcr & 3),
      IER: q.inp(this.base + 1, 1),
      LCR: lcr,
      FCR: this.#fcr,
      MCR: q.inp(this.base + 4, 1),
      SCR: q.inp(this.base + 7, 1),
    };
  }
}
