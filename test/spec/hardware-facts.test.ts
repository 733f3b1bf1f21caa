// spec/hardware/qemu.json's clause lists: a clause QEMU cannot show is skipped with its reason;
// any other clause is judged; a recorded difference names real clauses and matches its evidence.
import { describe, expect, it } from 'vitest';
import { loadHardwareFacts, recordedDifference, unobservable } from '../../src/spec/hardware.ts';
import { loadClauses } from '../../src/spec/clauses.ts';
import type { Statement } from '../../src/iut/contract.ts';

const onQemu = { name: 'qemu-reference', backend: { name: 'qemu', version: 'test' } } as unknown as Statement;

describe('hardware facts (spec/hardware/qemu.json)', () => {
  const facts = loadHardwareFacts('qemu');
  const known = loadClauses();

  it('names only clauses that exist', () => {
    for (const u of [...facts.unobservable, ...facts.differences]) for (const c of u.clauses) expect(known.has(c), c).toBe(true);
  });

  it('skips an unobservable clause as "not observable" and judges the rest', () => {
    expect(unobservable(onQemu, 'serial.tx.timing', 'serial.line.timing')).toMatch(/^not observable on qemu: /);
    expect(unobservable(onQemu, 'serial.uart.char-format', 'serial.uart.char-format')).toMatch(/^not observable on qemu: /);
    expect(unobservable(onQemu, 'nic.tx.round-robin', 'nic.tx.round-robin')).toBeNull();
    expect(unobservable(onQemu, 'serial.uart.registers', 'serial.uart.register-map')).toBeNull();
    // Our own models have no backend: nothing is skipped for hardware reasons.
    expect(unobservable({ name: 'reference' } as unknown as Statement, 'serial.tx.timing', 'serial.line.timing')).toBeNull();
  });

  it('matches the failures this round recorded, and only those', () => {
    const cases: [string, string, string | undefined][] = [
      ['serial.uart.port-decoding', 'DLL, DLM after a 32-bit write of 0x0 at COM1 - 2: expected ["0x00","0x00"], got ["0x0c","0x00"]', 'wide-access-below-com1-not-split'],
      ['serial.uart.port-decoding', 'SCR after a 16-bit write of 0x12 at COM1 + 7: expected "0x12", got "0x00"', undefined],
      ['serial.uart.tx-fifo', 'LSR DR after FCR bit 1 (IER 0x00, FIFOs off, 2 bytes received, 0 written): expected "0x00", got "0x01"', 'uart-receive-flow-control'],
      ['serial.uart.tx-fifo', 'LSR DR after FCR bit 1 (IER 0x00, FIFOs on, 2 bytes received, 0 written): expected "0x00", got "0x01"', undefined],
      ['serial.uart.lsr-iir', 'LSR (IER 0x00, FIFOs off, 0 bytes received, 1 written): expected "0x20", got "0x60"', 'uart-transmits-at-once'],
      ['serial.uart.lsr-iir', 'LSR (IER 0x00, FIFOs off, 1 bytes received, 0 written): expected "0x61", got "0x60"', undefined],
      ['nic.pci.config-mechanism', 'a width-1 read at 0xCF8+0 is not CONFIG_ADDRESS (only dword accesses are): an unclaimed port reads all ones: expected "0xff", got "0x0"', 'pci-config-address-narrow-reads'],
      ['nic.pci.config-mechanism', 'CONFIG_ADDRESS read back as a dword after a dword write: expected "0x80001800", got "0x0"', undefined],
    ];
    for (const [clause, message, id] of cases) expect(recordedDifference(onQemu, clause, message)?.id, message).toBe(id);
  });
});
