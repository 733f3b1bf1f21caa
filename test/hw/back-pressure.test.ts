// The RTL8139 model's optional back-pressure (QEMU's behaviour, spec/hardware/qemu.json
// 'rx-back-pressure'): held frames instead of RXOVW/MPC drops, written once CAPR frees room.
import { describe, expect, it } from 'vitest';
import { runNic } from '../../src/iut/layers/nic.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import type { Op } from '../../src/iut/contract.ts';
import { qemuVersion } from '../../src/hw/qemu/process.ts';
import { createQemuReference } from '../../src/iut/qemu.ts';

const big = 'ab'.repeat(1514);
const fill = (setup: Op[]): Op[] => [...setup, { op: 'init' }, ...Array.from({ length: 7 }, (): Op => ({ op: 'inject', frame: big })), { op: 'poll' }, { op: 'poll' }, { op: 'read-register', name: 'MPC' }];
const values = (ops: Op[], run: (ops: Op[]) => { results: { ok: boolean; value?: unknown }[] }): unknown[] => run(ops).results.map((r) => (r.ok ? r.value : r));
const model = (ops: Op[]) => runNic(ops, seedProfile()) as { results: { ok: boolean; value?: unknown }[] };

describe('RX back-pressure (model option)', () => {
  it('holds frames while less than a full frame of room is left and RXOVW is masked, writes them after the driver frees room', () => {
    const v = values(fill([{ op: 'setup', rxBackPressure: true }]), model);
    expect(v.slice(2, 7)).toEqual([0, 1524, 3048, 4572, 6096].map((offset) => ({ accepted: true, offset })));
    expect(v[7]).toEqual({ accepted: false, reason: 'held' });
    expect(v[8]).toEqual({ accepted: false, reason: 'held' }); // behind the first one, in order
    expect((v[9] as { length: number }).length).toBe(1518); // the first poll frees room: the held frames land
    expect(v[11]).toEqual({ value: 0 }); // nothing was missed
  });

  it('without the option the datasheet drop stays: ring-full, MPC counts', () => {
    const v = values(fill([]), model); // no setup op: indices one lower
    expect(v[6]).toEqual({ accepted: false, reason: 'ring-full' });
    expect((v[10] as { value: number }).value).toBeGreaterThan(0);
  });

  it.skipIf(!qemuVersion())('QEMU does the same as the option (same scenario on both)', () => {
    const qemu = createQemuReference();
    try {
      const ops = fill([]);
      const q = values(ops, (o) => qemu.execute({ layer: 'nic', ops: o }) as { results: { ok: boolean; value?: unknown }[] });
      const m = values(fill([{ op: 'setup', rxBackPressure: true }]), model);
      expect(q.slice(1)).toEqual(m.slice(2));
    } finally {
      qemu.close();
    }
  }, 60_000);
});
