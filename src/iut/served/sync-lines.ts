// Blocking JSON-lines I/O on the process's own stdin/stdout, for software that must wait for
// r2net's answer in the middle of a synchronous call (a driver's `inb`). Only for a process
// that never touches process.stdin: Node would switch fd 0 to non-blocking, flowing mode.
import { readSync, writeSync } from 'node:fs';

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};
const wouldBlock = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'EAGAIN';

export class SyncLines {
  #pending: Buffer = Buffer.alloc(0);
  readonly #chunk = Buffer.alloc(1 << 16);
  constructor(
    readonly input = 0,
    readonly output = 1,
  ) {}

  /** The next non-blank line, or undefined at end of input. */
  read(): string | undefined {
    for (;;) {
      const nl = this.#pending.indexOf(10);
      if (nl >= 0) {
        const line = this.#pending.subarray(0, nl).toString('utf8').replace(/\r$/, '');
        this.#pending = this.#pending.subarray(nl + 1);
        if (line.trim() === '') continue;
        return line;
      }
      let n: number;
      try {
        n = readSync(this.input, this.#chunk, 0, this.#chunk.length, null);
      } catch (e) {
        if (wouldBlock(e)) {
          sleep(1);
          continue;
        }
        if ((e as NodeJS.ErrnoException)?.code === 'EOF') return undefined;
        throw e;
      }
      if (n === 0) return undefined;
      this.#pending = this.#pending.length === 0 ? Buffer.from(this.#chunk.subarray(0, n)) : Buffer.concat([this.#pending, this.#chunk.subarray(0, n)]);
    }
  }

  write(line: string): void {
    const b = Buffer.from(line + '\n', 'utf8');
    for (let at = 0; at < b.length; ) {
      try {
        at += writeSync(this.output, b, at, b.length - at);
      } catch (e) {
        if (!wouldBlock(e)) throw e;
        sleep(1);
      }
    }
  }
}
