// r2net serve against garbage: lines end at '\n' only, request and reply sizes are bounded (a
// long line is skipped without being held), and nothing stops the server but end of input.
import { describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReference } from '../../src/iut/reference.ts';
import { DEFAULT_SERVE_BOUNDS, serveImplementation, type ServeBounds } from '../../src/iut/process/server.ts';
import { r2netBin } from './helpers.ts';
import { rootDir } from '../../src/spec/paths.ts';

const HELLO = '{"id":1,"method":"hello","protocol":1,"contract":1}';

/** Feeds `chunks` to a server and returns its reply lines, parsed. */
async function serve(chunks: Array<string | Buffer>, bounds: ServeBounds = DEFAULT_SERVE_BOUNDS): Promise<Array<Record<string, unknown>>> {
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString('utf8')));
  await serveImplementation(createReference(), Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), output, bounds);
  return text.trim() === '' ? [] : text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('r2net serve: lines and bounds', () => {
  it('a lone \\r is part of the line (one request, one reply); CRLF is one line end', async () => {
    const replies = await serve(['{"id":1,\r"method":"hello",\r"protocol":1,"contract":1}\n', `${HELLO.replace('"id":1', '"id":2')}\r\n`]);
    expect(replies.map((r) => [r.id, 'statement' in r])).toEqual([
      [1, true],
      [2, true],
    ]);
  });

  it('a line past the request bound gets one bad-request reply and the next request is served', async () => {
    const big = '{"id":9,"method":"execute","scenario":{"layer":"codec","ops":[{"op":"checksum","data":"' + 'ab'.repeat(50_000) + '"}]}}\n';
    // Fed in small chunks: the server must not need the whole line to know it is too long.
    const chunks = [...Array.from({ length: 100 }, (_, i) => big.slice(i * 1001, (i + 1) * 1001)), big.slice(100 * 1001), HELLO + '\n'];
    const replies = await serve(chunks, { maxRequestBytes: 10_000, maxReplyBytes: DEFAULT_SERVE_BOUNDS.maxReplyBytes });
    expect(replies).toHaveLength(2);
    expect(replies[0]).toEqual({ id: null, error: { kind: 'bad-request', message: expect.stringMatching(/^request line of 100\d{3} bytes, more than the server's bound of 10000 \(r2net serve --max-request-bytes\); skipped$/) } });
    expect(replies[1]!.id).toBe(1);
  });

  it('a reply past the reply bound becomes an internal error reply', async () => {
    const feed = `{"id":3,"method":"execute","scenario":{"layer":"serial","ops":[{"op":"init"},{"op":"feed","bytes":"${'41'.repeat(3000)}c0"},{"op":"receive"}]}}\n`;
    const [r] = await serve([feed], { maxRequestBytes: DEFAULT_SERVE_BOUNDS.maxRequestBytes, maxReplyBytes: 2000 });
    expect(r).toEqual({ id: 3, error: { kind: 'internal', message: expect.stringMatching(/^the reply would be \d+ bytes, more than the server's bound of 2000/) } });
  });

  it('binary garbage gets error replies, never a crash, and the server ends at end of input', () => {
    const garbage = Buffer.concat([randomBytes(4096), Buffer.from('\n\u0000\u0007\u001b[31m\n{"id":-1}\n[1,2]\n'), Buffer.from(HELLO + '\n')]);
    const r = spawnSync(process.execPath, [r2netBin, 'serve', '--quiet', '--max-request-bytes', '1000'], { input: garbage, cwd: rootDir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const replies = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: unknown; error?: { kind: string } });
    expect(replies.at(-1)!.id).toBe(1); // the hello after the garbage is answered
    expect(replies.slice(0, -1).every((x) => x.error?.kind === 'bad-request')).toBe(true);
  });
});
