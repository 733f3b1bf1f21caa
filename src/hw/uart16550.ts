// 16550 UART model (COM1). The TX side shifts bytes onto the serial line in virtual time at the
// programmed baud rate; the RX side is fed by a test. Register semantics follow the 16550
// datasheet: DLAB in LCR banks the divisor latch over RBR/THR and IER; IIR reads / FCR writes.
import type { LineByte, UartOutside } from './api.ts';
import type { IoDevice, Width } from './bus.ts';
import type { Clock } from './clock.ts';
import type { Profile } from '../spec/profile.ts';

/** Eight consecutive ports. */
export const UART_IO_SIZE = 8;

export const UART_REG = { RBR_THR_DLL: 0, IER_DLM: 1, IIR_FCR: 2, LCR: 3, MCR: 4, LSR: 5, MSR: 6, SCR: 7 } as const;
export const LSR = { DR: 0x01, THRE: 0x20, TEMT: 0x40 } as const;
export const LCR = { DLAB: 0x80, WORD_MASK: 0x03, STOP2: 0x04, PARITY: 0x08 } as const;
export const FCR = { ENABLE: 0x01, CLEAR_RX: 0x02, CLEAR_TX: 0x04, DMA_MODE: 0x08, TRIGGER: 0xc0 } as const;
/** [hw] the 16550's FIFOs hold 16 bytes; without FIFOs the holding register holds one. */
const FIFO_DEPTH = 16;
/** [hw] a 16-bit divisor latch of 0 counts the full 2^16 (no division by zero on the line). */
const DIVISOR_ZERO_MEANS = 0x10000;

export interface Uart16550Options {
  profile: Profile;
  clock: Clock;
}

/** A byte accepted for transmission: when it starts shifting and when its stop bit ends. */
interface Scheduled {
  start: number;
  end: number;
  lineIndex: number;
}

export class Uart16550 implements IoDevice, UartOutside {
  readonly name = 'uart16550';
  readonly ioSize = UART_IO_SIZE;
  private readonly opts: Uart16550Options;
  private readonly lineLog: LineByte[] = [];

  // Master reset state (datasheet): interrupts off, 5N1, FIFOs off, transmitter empty. The
  // divisor latch is not reset by MR on a real 16550; 0 here means "not programmed".
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private fcr = 0;
  private dll = 0;
  private dlm = 0;
  /** Received bytes not yet read; `rxHead` is the next to read (no O(n) shifts on big feeds). */
  private rx: number[] = [];
  private rxHead = 0;
  /** Bytes in the TX FIFO/holding register and the shift register, oldest first. */
  private tx: Scheduled[] = [];
  /** Back-to-back bytes are timed as burstStart + k·period (exact, no accumulated sums). */
  private burst = { start: 0, count: 0, period: 0 };
  /** THR writes lost because the holding register/FIFO was full (a driver that ignores THRE). */
  private txDropped = 0;

  constructor(opts: Uart16550Options) {
    this.opts = opts;
  }

  // ---------------------------------------------------------------- timing

  divisor(): number {
    return (this.dlm << 8) | this.dll || DIVISOR_ZERO_MEANS;
  }

  baud(): number {
    return this.opts.profile.limits.uartClockHz / this.divisor();
  }

  /** Bit times per character from LCR: start + data (5–8) + parity + stop (1, 1.5 or 2). */
  bitsPerChar(): number {
    const data = 5 + (this.lcr & LCR.WORD_MASK);
    const parity = this.lcr & LCR.PARITY ? 1 : 0;
    const stop = this.lcr & LCR.STOP2 ? (data === 5 ? 1.5 : 2) : 1;
    return 1 + data + parity + stop;
  }

  /** Seconds one character occupies the line. */
  charTime(): number {
    return this.bitsPerChar() / this.baud();
  }

  /** Forgets bytes whose stop bit has ended. */
  private settle(): void {
    const now = this.opts.clock.now();
    while (this.tx.length > 0 && (this.tx[0]?.end ?? 0) <= now) this.tx.shift();
  }

  /** Bytes accepted but not yet shifting (they sit in the FIFO / holding register). */
  private waiting(): Scheduled[] {
    const now = this.opts.clock.now();
    return this.tx.filter((s) => s.start > now);
  }

  private fifoOn(): boolean {
    return (this.fcr & FCR.ENABLE) !== 0;
  }

  private transmit(byte: number): void {
    this.settle();
    if (this.waiting().length >= (this.fifoOn() ? FIFO_DEPTH : 1)) {
      this.txDropped++;
      return;
    }
    const now = this.opts.clock.now();
    const period = this.charTime();
    const last = this.tx[this.tx.length - 1];
    if (!last) this.burst = { start: now, count: 0, period };
    else if (this.burst.period !== period) this.burst = { start: last.end, count: 0, period };
    this.burst.count++;
    const end = this.burst.start + this.burst.count * period;
    this.tx.push({ start: last ? last.end : now, end, lineIndex: this.lineLog.length });
    // The byte's line time is fixed the moment it is accepted, so it is logged now.
    this.lineLog.push({ byte, time: end });
  }

  private clearTxFifo(): void {
    const w = this.waiting();
    const first = w[0];
    if (!first) return;
    this.tx = this.tx.filter((s) => !w.includes(s));
    this.lineLog.splice(first.lineIndex);
    // Re-anchor timing after the byte still shifting (if any).
    const last = this.tx[this.tx.length - 1];
    this.burst = { start: last ? last.end : this.opts.clock.now(), count: 0, period: this.charTime() };
  }

  private lsr(): number {
    this.settle();
    const thre = this.waiting().length === 0;
    return (this.rxAvailable() > 0 ? LSR.DR : 0) | (thre ? LSR.THRE : 0) | (this.tx.length === 0 ? LSR.TEMT : 0);
  }

  // ---------------------------------------------------------------- guest side

  ioRead(offset: number, width: Width): number {
    let v = 0;
    for (let i = 0; i < width; i++) v += this.readByte(offset + i) * 2 ** (8 * i);
    return v;
  }

  ioWrite(offset: number, width: Width, value: number): void {
    for (let i = 0; i < width; i++) this.writeByte(offset + i, (value >>> (8 * i)) & 0xff);
  }

  private readByte(offset: number): number {
    const dlab = (this.lcr & LCR.DLAB) !== 0;
    switch (offset) {
      case UART_REG.RBR_THR_DLL:
        return dlab ? this.dll : this.readRbr();
      case UART_REG.IER_DLM:
        return dlab ? this.dlm : this.ier;
      case UART_REG.IIR_FCR:
        return this.iir();
      case UART_REG.LCR:
        return this.lcr;
      case UART_REG.MCR:
        return this.mcr;
      case UART_REG.LSR: {
        const v = this.lsr();
        // A CPU spinning on THRE burns time until the holding register empties; the model
        // collapses the spin: this read reports THRE clear and moves time to when it sets.
        if (!(v & LSR.THRE)) {
          const w = this.waiting();
          this.opts.clock.advanceTo(w[w.length - 1]?.start ?? this.opts.clock.now());
        }
        return v;
      }
      case UART_REG.MSR:
        return 0; // no modem lines wired
      case UART_REG.SCR:
        return this.scr;
      default:
        return 0xff;
    }
  }

  private writeByte(offset: number, v: number): void {
    const dlab = (this.lcr & LCR.DLAB) !== 0;
    switch (offset) {
      case UART_REG.RBR_THR_DLL:
        if (dlab) this.dll = v;
        else this.transmit(v);
        return;
      case UART_REG.IER_DLM:
        if (dlab) this.dlm = v;
        else this.ier = v & 0x0f;
        return;
      case UART_REG.IIR_FCR:
        this.writeFcr(v);
        return;
      case UART_REG.LCR:
        this.lcr = v;
        return;
      case UART_REG.MCR:
        this.mcr = v & 0x1f;
        return;
      case UART_REG.SCR:
        this.scr = v;
        return;
      default:
        return; // LSR and MSR are read-only
    }
  }

  private writeFcr(v: number): void {
    this.settle();
    const toggled = ((this.fcr ^ v) & FCR.ENABLE) !== 0;
    if (toggled || v & FCR.CLEAR_RX) {
      this.rx = [];
      this.rxHead = 0;
    }
    if (toggled || v & FCR.CLEAR_TX) this.clearTxFifo();
    this.fcr = v & (FCR.ENABLE | FCR.DMA_MODE | FCR.TRIGGER);
  }

  private rxAvailable(): number {
    return this.rx.length - this.rxHead;
  }

  private readRbr(): number {
    const b = this.rx[this.rxHead];
    if (b === undefined) return 0;
    this.rxHead++;
    if (this.rxHead === this.rx.length) {
      this.rx = [];
      this.rxHead = 0;
    }
    return b;
  }

  private iir(): number {
    const fifo = this.fifoOn() ? 0xc0 : 0;
    const l = this.lsr();
    if (this.ier & 0x01 && l & LSR.DR) return fifo | 0x04; // received data available
    if (this.ier & 0x02 && l & LSR.THRE) return fifo | 0x02; // THR empty
    return fifo | 0x01; // no interrupt pending
  }

  // ---------------------------------------------------------------- outside

  get line(): readonly LineByte[] {
    return this.lineLog;
  }

  feed(bytes: Uint8Array): void {
    for (const b of bytes) this.rx.push(b);
  }

  registers(): Record<string, number> {
    this.settle();
    return {
      DLL: this.dll,
      DLM: this.dlm,
      divisor: this.divisor(),
      baud: this.baud(),
      bitsPerChar: this.bitsPerChar(),
      IER: this.ier,
      LCR: this.lcr,
      FCR: this.fcr,
      MCR: this.mcr,
      SCR: this.scr,
      LSR: (this.rxAvailable() > 0 ? LSR.DR : 0) | (this.waiting().length === 0 ? LSR.THRE : 0) | (this.tx.length === 0 ? LSR.TEMT : 0),
      rxPending: this.rxAvailable(),
      txDropped: this.txDropped,
    };
  }
}
