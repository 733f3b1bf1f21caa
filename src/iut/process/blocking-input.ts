// `r2net serve`'s requests read from stdin with blocking reads, instead of through a stream.
// Why: a server has nothing to do while it waits for the next request, and a stream's wake-ups
// (poll, callbacks, promise hops per chunk) cost about a millisecond per executeBatch round
// trip, more than decoding and encoding the messages of a batch of SLIP scenarios (adapter
// bench, "slip: out of process"). A process that spawns its children as r2net does (or as
// Python's subprocess does) hands them blocking stdio; a descriptor set non-blocking answers
// EAGAIN, and from then on the stream is read as before, so nothing is lost either way.
import { readSync } from 'node:fs';

/** Bytes asked for per read: a whole batch request usually comes in one or two. */
const READ_BYTES = 1 << 20;

/**
 * The chunks read from `fd` until end of input, each in its own memory (readers may keep views
 * of them). On EAGAIN (a non-blocking descriptor) the rest comes from `stream()`.
 */
export async function* blockingChunks(fd: number, stream: () => AsyncIterable<Buffer | string>): AsyncGenerator<Buffer | string> {
  const scratch = Buffer.allocUnsafe(READ_BYTES);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, scratch, 0, READ_BYTES, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      yield* stream();
      return;
    }
    if (n === 0) return;
    yield Buffer.from(scratch.subarray(0, n));
  }
}
