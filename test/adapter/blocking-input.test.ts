// r2net serve's blocking reads of stdin (src/iut/process/blocking-input.ts): every byte in
// order, each chunk in its own memory, and the stream instead once the descriptor answers
// EAGAIN (non-blocking), with nothing read twice or lost. The adapter tests run r2net serve
// itself, so the blocking path is what they exercise.
import { describe, expect, it, vi } from 'vitest';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const eagainAfter = vi.hoisted(() => ({ reads: Infinity }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  let calls = 0;
  return {
    ...fs,
    readSync: (...args: Parameters<typeof fs.readSync>) => {
      if (calls++ >= eagainAfter.reads) throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, read'), { code: 'EAGAIN' });
      return fs.readSync(...args);
    },
  };
});
const { blockingChunks } = await import('../../src/iut/process/blocking-input.ts');

async function collect(src: AsyncIterable<Buffer | string>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of src) out.push(typeof c === 'string' ? Buffer.from(c) : c);
  return out;
}

describe('blocking reads of stdin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'r2net-blocking-'));
  const file = join(dir, 'input');
  const bytes = Buffer.from(Array.from({ length: 3 * (1 << 20) + 17 }, (_, i) => (i * 7) & 0xff));
  writeFileSync(file, bytes);

  it('give every byte in order, each chunk in its own memory, and end at end of input', async () => {
    const fd = openSync(file, 'r');
    try {
      const chunks = await collect(blockingChunks(fd, () => { throw new Error('the stream is not wanted'); }));
      expect(chunks.length).toBe(4); // 1 MiB per read
      expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
      expect(Buffer.concat(chunks).equals(bytes)).toBe(true);
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hand over to the stream when the descriptor is non-blocking', async () => {
    eagainAfter.reads = 0;
    const stream = async function* () {
      yield Buffer.from('from the stream');
      yield 'and more';
    };
    const chunks = await collect(blockingChunks(0, stream));
    expect(Buffer.concat(chunks).toString()).toBe('from the streamand more');
    eagainAfter.reads = Infinity;
  });

  it('report any other read error', async () => {
    await expect(collect(blockingChunks(987654, () => [] as never))).rejects.toThrow(/EBADF/);
  });
});
