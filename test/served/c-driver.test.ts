// Our own RTL8139 and 16550+SLIP drivers in C (examples/c, written from spec-notes §6-§7) over
// r2net's served hardware through the C client library (clients/c): the tests build them with
// make, check that every nic and serial clause passes (hazards aside), and that each
// deliberately wrong build is caught by the property aimed at its bug.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/index.ts';
import { loadImplementation } from '../../src/iut/load.ts';
import { createReference } from '../../src/iut/reference.ts';
import { runSuite } from '../../src/runner/run.ts';
import { rootDir } from '../../src/spec/paths.ts';
import { findTool } from './tools.ts';

const dir = join(rootDir, 'examples/c');
const missing = ['gcc', 'make'].filter((t) => !findTool(t));
const RUNS = 15;


function build(...args: string[]): string {
  execFileSync('make', ['-s', '-C', dir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const wrong = args.find((a) => a.startsWith('WRONG='))?.slice(6);
  const bin = join(dir, wrong ? `r2net-c-driver-wrong-${wrong}` : 'r2net-c-driver');
  expect(existsSync(bin)).toBe(true);
  return bin;
}

describe.skipIf(missing.length > 0)(`the C example driver (needs ${['gcc', 'make'].join(', ')}${missing.length ? `; missing: ${missing.join(', ')} — .ci/run installs them` : ''})`, () => {
  it('passes every nic and serial clause (hazards aside)', async () => {
    const impl = await loadImplementation(build(), { timeoutMs: 60_000 });
    try {
      expect(impl.statement).toMatchObject({ name: 'r2net-c-driver', hardware: 'served', layers: ['nic', 'serial'] });
      const o = await runSuite(allProperties, impl, { seed: 1, runs: RUNS, layers: ['nic', 'serial'] });
      expect(o.clauses.length).toBeGreaterThan(45);
      // A conforming driver sees exactly the reference's cases (same seed and runs): every clause
      // gets the reference's verdict — pass or hazard, or untested where these few runs reach
      // no case (the reference is untested there too).
      const ref = await runSuite(allProperties, createReference(), { seed: 1, runs: RUNS, layers: ['nic', 'serial'] });
      const want = new Map(ref.clauses.map((c) => [c.id, c.verdict]));
      expect(o.clauses.filter((c) => c.verdict === 'pass').length).toBeGreaterThan(o.clauses.length / 2);
      const bad = o.clauses.filter((c) => c.verdict !== want.get(c.id) || (c.verdict !== 'pass' && c.verdict !== 'hazard' && c.verdict !== 'untested'));
      expect(bad.map((c) => `${c.id}: ${c.verdict} (reference: ${want.get(c.id)})`), o.properties.filter((p) => p.status === 'fail' || p.status === 'error').map((p) => `${p.id}: ${p.counterexample?.message}`).join('\n')).toEqual([]);
    } finally {
      await impl.close?.();
    }
  }, 400_000);

  const wrongBuilds: [string, string, string][] = [
    ['tx-index', 'TX_INDEX never advances', 'nic.tx.round-robin'],
    ['capr', 'CAPR written without the -16', 'nic.rx.in-order'],
    ['slip-escape', 'END escaped as ESC ESC_ESC', 'serial.slip.line-bytes'],
  ];
  for (const [wrong, what, property] of wrongBuilds) {
    it(`make WRONG=${wrong} (${what}) is caught by ${property}`, async () => {
      const impl = await loadImplementation(build(`WRONG=${wrong}`), { timeoutMs: 60_000 });
      try {
        const o = await runSuite(allProperties, impl, { seed: 1, runs: RUNS, only: [property] });
        const p = o.properties.find((x) => x.id === property)!;
        expect(p.status, p.counterexample?.message).toBe('fail');
        expect(p.counterexample?.message).toBeTruthy();
      } finally {
        await impl.close?.();
      }
    }, 120_000);
  }
});
