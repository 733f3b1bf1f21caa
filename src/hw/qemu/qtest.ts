// The qtest line protocol over two FIFOs (QEMU's `-qtest pipe:PATH`, PATH.in and PATH.out),
// driven synchronously: one command line, then block until its `OK …` / `FAIL …` line.
// Port I/O and guest-memory access of the QEMU backend are all commands here.
import { closeSync } from 'node:fs';
import { ImplementationError } from '../../iut/contract.ts';
import { nap, openFifo, readNow, writeAll } from './sync.ts';

/** QEMU failed to answer in time, died, or answered something else: the run gets an error row. */
export class QemuError extends ImplementationError {
  constructor(message: string, fault: 'crash' | 'timeout' | 'protocol' = 'crash') {
    super(message, fault);
    this.name = 'QemuError';
  }
}

/** Polls of an empty pipe before the reader starts napping (a qtest answer takes ~10-50 µs). */
const SPIN_READS = 2000;

export class QtestChannel {
  readonly #in: number;
  readonly #out: number;
  readonly #chunk = Buffer.alloc(1 << 20);
  #pending = '';
  /** Commands sent over the channel's life (for benchmarks and notes). */
  commands = 0;

  constructor(
    path: string,
    readonly timeoutMs: number,
    /** Whether QEMU still runs, and its stderr tail for messages. */
    readonly alive: () => boolean,
    readonly describe: () => string,
  ) {
    this.#in = openFifo(`${path}.in`);
    this.#out = openFifo(`${path}.out`);
  }

  /** Sends one command and returns what follows `OK` (may be empty). */
  command(line: string): string {
    this.commands++;
    const deadline = performance.now() + this.timeoutMs;
    try {
      writeAll(this.#in, Buffer.from(line + '\n', 'latin1'), deadline, this.alive);
    } catch (e) {
      throw new QemuError(`qtest '${line.slice(0, 60)}': ${(e as Error).message}${this.describe()}`);
    }
    const reply = this.#readLine(line, deadline);
    if (reply === 'OK') return '';
    if (reply.startsWith('OK ')) return reply.slice(3);
    throw new QemuError(`qtest '${line.slice(0, 60)}' answered '${reply.slice(0, 200)}'${this.describe()}`, 'protocol');
  }

  #readLine(line: string, deadline: number): string {
    for (let spins = 0; ; spins++) {
      const nl = this.#pending.indexOf('\n');
      if (nl >= 0) {
        const got = this.#pending.slice(0, nl);
        this.#pending = this.#pending.slice(nl + 1);
        // Asynchronous event lines (IRQ …) are not asked for; anything else is the answer.
        if (got.startsWith('IRQ ')) continue;
        return got;
      }
      const b = readNow(this.#out, this.#chunk);
      if (b.length > 0) {
        this.#pending += b.toString('latin1');
        continue;
      }
      if (spins < SPIN_READS) continue;
      if (!this.alive()) throw new QemuError(`QEMU exited while qtest '${line.slice(0, 60)}' waited for its answer${this.describe()}`);
      if (performance.now() > deadline) throw new QemuError(`QEMU did not answer qtest '${line.slice(0, 60)}' within ${this.timeoutMs} ms${this.describe()}`, 'timeout');
      nap(spins < SPIN_READS * 4 ? 0.05 : 1);
    }
  }

  inp(port: number, width: 1 | 2 | 4): number {
    const v = this.command(`${width === 1 ? 'inb' : width === 2 ? 'inw' : 'inl'} 0x${port.toString(16)}`);
    const n = Number(v);
    if (!Number.isInteger(n)) throw new QemuError(`qtest in answered '${v}'`, 'protocol');
    return n >>> 0;
  }

  out(port: number, width: 1 | 2 | 4, value: number): void {
    this.command(`${width === 1 ? 'outb' : width === 2 ? 'outw' : 'outl'} 0x${port.toString(16)} 0x${(value >>> 0).toString(16)}`);
  }

  read(addr: number, length: number): Uint8Array {
    if (length === 0) return new Uint8Array(0);
    const v = this.command(`read 0x${addr.toString(16)} 0x${length.toString(16)}`);
    const hex = v.startsWith('0x') ? v.slice(2) : v;
    if (hex.length !== 2 * length) throw new QemuError(`qtest read of ${length} bytes answered ${hex.length / 2}`, 'protocol');
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  }

  write(addr: number, bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.command(`write 0x${addr.toString(16)} 0x${bytes.length.toString(16)} 0x${Buffer.from(bytes).toString('hex')}`);
  }

  fill(addr: number, length: number, value: number): void {
    if (length > 0) this.command(`memset 0x${addr.toString(16)} 0x${length.toString(16)} 0x${(value & 0xff).toString(16)}`);
  }

  /** Nap-free barrier: one more command through QEMU's main loop. */
  barrier(): void {
    this.command('readb 0x0');
  }

  close(): void {
    for (const fd of [this.#in, this.#out]) {
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
    }
  }
}
