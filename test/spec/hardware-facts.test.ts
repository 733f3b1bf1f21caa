// spec/hardware/qemu.json's clause lists: a clause not yet checked on QEMU is skipped with its
// reason, never judged; one QEMU cannot show says so; any other clause is judged.
import { describe, expect, it } from 'vitest';
import { loadHardwareFacts, unobservable } from '../../src/spec/hardware.ts';
import { loadClauses } from '../../src/spec/clauses.ts';
import type { Statement } from '../../src/iut/contract.ts';

const onQemu = { name: 'qemu-reference', backend: { name: 'qemu', version: 'test' } } as unknown as Statement;

describe('hardware facts (spec/hardware/qemu.json)', () => {
  const facts = loadHardwareFacts('qemu');
  const known = loadClauses();

  it('names only clauses that exist', () => {
    for (const u of [...facts.unobservable, ...(facts.unchecked ?? [])]) for (const c of u.clauses) expect(known.has(c), c).toBe(true);
  });

  it('skips an unchecked clause as "not yet checked", an unobservable one as "not observable", and judges the rest', () => {
    const unchecked = facts.unchecked?.[0]?.clauses[0];
    expect(unchecked).toBeDefined();
    expect(unobservable(onQemu, 'any.property', unchecked!)).toMatch(/^not yet checked on qemu: /);
    expect(unobservable(onQemu, 'serial.tx.timing', 'serial.line.timing')).toMatch(/^not observable on qemu: /);
    expect(unobservable(onQemu, 'nic.tx.round-robin', 'nic.tx.round-robin')).toBeNull();
    // Our own models have no backend: nothing is skipped for hardware reasons.
    expect(unobservable({ name: 'reference' } as unknown as Statement, 'any.property', unchecked!)).toBeNull();
  });
});
