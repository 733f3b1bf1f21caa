// The Rust client library (clients/rust, std only) and its examples, a 16550 + SLIP driver
// (examples/serial-slip.rs) and an RTL8139 driver on DMA mirrors (examples/rtl8139.rs): built
// with cargo --offline, run through the serial and nic suites.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { allProperties } from '../../properties/index.ts';
import { loadImplementation } from '../../src/iut/load.ts';
import { createReference } from '../../src/iut/reference.ts';
import { runSuite } from '../../src/runner/run.ts';
import { rootDir } from '../../src/spec/paths.ts';
import { findTool } from './tools.ts';

const cargo = findTool('cargo');
const manifest = join(rootDir, 'clients/rust/Cargo.toml');

describe.skipIf(!cargo)(`the Rust client library (needs cargo${cargo ? '' : '; not found in PATH or ~/.cargo/bin — .ci/run installs it'})`, () => {
  const examples: [string, string, 'serial' | 'nic'][] = [
    ['serial-slip', 'r2net-rust-serial', 'serial'],
    ['rtl8139', 'r2net-rust-rtl8139', 'nic'],
  ];
  it.each(examples)('builds offline, and examples/%s.rs passes every clause of its layer (hazards aside)', async (example, name, layer) => {
    const env = { ...process.env, PATH: `${dirname(cargo!)}:${process.env.PATH ?? ''}` };
    execFileSync(cargo!, ['build', '--offline', '--release', '--quiet', '--manifest-path', manifest, '--lib', '--examples'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const bin = join(rootDir, `clients/rust/target/release/examples/${example}`);
    expect(existsSync(bin)).toBe(true);
    const run = { ...process.env };
    const impl = await loadImplementation(bin, { timeoutMs: 60_000, process: { env: run } });
    try {
      expect(impl.statement).toMatchObject({ name, hardware: 'served', layers: [layer] });
      const o = await runSuite(allProperties, impl, { seed: 2, runs: 15, layers: [layer] });
      expect(o.clauses.length).toBeGreaterThan(10);
      // A conforming driver sees exactly the reference's cases (same seed and runs): every clause
      // gets the reference's verdict — pass or hazard, or untested where these few runs reach
      // no case (the reference is untested there too).
      const ref = await runSuite(allProperties, createReference(), { seed: 2, runs: 15, layers: [layer] });
      const want = new Map(ref.clauses.map((c) => [c.id, c.verdict]));
      expect(o.clauses.filter((c) => c.verdict === 'pass').length).toBeGreaterThan(o.clauses.length / 2);
      const bad = o.clauses.filter((c) => c.verdict !== want.get(c.id) || (c.verdict !== 'pass' && c.verdict !== 'hazard' && c.verdict !== 'untested'));
      expect(bad.map((c) => `${c.id}: ${c.verdict} (reference: ${want.get(c.id)})`), o.properties.map((p) => `${p.id}: ${p.counterexample?.message ?? ''}`).join('\n')).toEqual([]);
    } finally {
      await impl.close?.();
    }
  }, 300_000);
});
