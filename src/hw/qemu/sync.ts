// Blocking helpers for the QEMU backend: the reference drivers call inb()/outb() synchronously,
// so every QEMU round trip must complete before the call returns (no event loop turn).
import { openSync, readSync, writeSync, constants } from 'node:fs';
import { readFileSync } from 'node:fs';

const napCell = new Int32Array(new SharedArrayBuffer(4));
/** Sleeps the thread (no event loop turn). */
export const nap = (ms: number): void => {
  Atomics.wait(napCell, 0, 0, ms);
};

const isAgain = (e: unknown): boolean => (e as NodeJS.ErrnoException)?.code === 'EAGAIN';

/** Opens a FIFO without blocking for its other end (O_RDWR never waits on Linux). */
export const openFifo = (path: string): number => openSync(path, constants.O_RDWR | constants.O_NONBLOCK);

/** Reads what is there now (never waits); an empty buffer when nothing is. */
export function readNow(fd: number, chunk: Buffer): Buffer {
  try {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    return chunk.subarray(0, n);
  } catch (e) {
    if (isAgain(e)) return chunk.subarray(0, 0);
    throw e;
  }
}

/** Writes all of `b`, napping while the pipe is full, until `deadline` (performance.now()). */
export function writeAll(fd: number, b: Buffer, deadline: number, alive: () => boolean): void {
  for (let at = 0; at < b.length; ) {
    try {
      at += writeSync(fd, b, at, b.length - at);
    } catch (e) {
      if (!isAgain(e)) throw e;
      if (performance.now() > deadline || !alive()) throw new Error('the pipe stayed full');
      nap(1);
    }
  }
}

/** Whether a process is still running (not exited, not a zombie), read from /proc. */
export function processRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}
