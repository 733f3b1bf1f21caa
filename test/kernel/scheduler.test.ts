import { describe, expect, it } from 'vitest';
import { FIRST_PID } from '../../src/kernel/scheduler.ts';
import { createKernel } from '../../src/kernel/kernel.ts';
import { createFakeHardware } from './fake-hardware.ts';
import { L, W0, arpFrame, boot, profile, withDriver } from './helpers.ts';

describe('scheduler', () => {
  it('hands out pids 1, 2, 3... and refuses the spawn past maxProcesses - kernelProcesses live processes', () => {
    const { k } = boot();
    const room = L.maxProcesses - L.kernelProcesses;
    expect(room).toBe(6);
    const pids = Array.from({ length: room }, () => k.spawn());
    expect(pids).toEqual(Array.from({ length: room }, (_, i) => FIRST_PID + i));
    expect(k.spawn()).toBe(L.noPid);
    expect(k.spawn()).toBe(L.noPid);
    expect(k.scheduler.all()).toHaveLength(room);
  });

  it('refuses a spawn once the pid counter reaches the sentinel, whatever the process limit', () => {
    const k = createKernel(createFakeHardware(), { ...profile, limits: { ...L, maxProcesses: 1000 } });
    let last = 0;
    for (;;) {
      const p = k.spawn();
      if (p === L.noPid) break;
      expect(p).toBe(last + 1);
      last = p;
    }
    expect(last).toBe(L.noPid - 1);
  });

  it('a tick advances the virtual clock by 1/pitHz and polls before it picks', () => {
    const { k, hw } = boot();
    withDriver(k);
    k.ledger.wireInjected(hw.nic.inject(arpFrame()));
    k.takeEvents();
    const t = k.tick();
    expect(t.order.slice(0, 2)).toEqual(['poll', 'pick']);
    expect(t.poll.received).toHaveLength(1);
    expect(hw.clock.now()).toBeCloseTo(1 / L.pitHz, 12);
    expect(t.time).toBe(1 / L.pitHz);
    const types = k.takeEvents().map((e) => e.type);
    expect(types.indexOf('poll')).toBeLessThan(types.indexOf('pick'));
    expect(types.indexOf('deliver')).toBeLessThan(types.indexOf('pick'));
  });

  it('picks runnable processes round-robin in pid order and idles when none is runnable', () => {
    const { k } = boot();
    expect(k.tick().picked).toBe(L.noPid);
    const a = k.spawn();
    const b = k.spawn();
    const c = k.spawn();
    expect([k.tick().picked, k.tick().picked, k.tick().picked, k.tick().picked]).toEqual([a, b, c, a]);
    // b blocks in a receive: it is skipped
    expect(k.syscall(b, 0x35, 1, W0)).toBe('blocked');
    expect([k.tick().picked, k.tick().picked, k.tick().picked]).toEqual([c, a, c]);
  });

  it('a push wakes a process blocked in receive; the receive completes when it is picked', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    expect(k.syscall(a, 0x35, 1, W0)).toBe('blocked');
    expect(k.scheduler.get(a)?.state).toBe('blocked');
    expect(k.syscall(a, 0x35, 0, W0)).toBe('blocked'); // still inside its 0x35
    k.scheduler.get(b)?.memory.write(W0, Uint8Array.from([1, 2, 3]));
    expect(k.syscall(b, 0x36, a, W0)).toBe(0);
    expect(k.scheduler.get(a)?.state).toBe('runnable');
    const t = k.tick();
    expect(t.picked).toBe(a);
    expect(t.resumed).toEqual({ pid: a, result: L.ipcMessageBytes });
    expect(t.order).toEqual(['poll', 'pick', 'resume']);
    expect(k.scheduler.get(a)?.memory.read(W0, 3)).toEqual(Uint8Array.from([1, 2, 3]));
    expect(k.syscall(a, 0x35, 0, W0)).toBe(0);
  });

  it('wake without a message leaves the receive pending and the process blocks again when picked', () => {
    const { k } = boot();
    const a = k.spawn();
    k.syscall(a, 0x35, 1, W0);
    k.scheduler.wake(a);
    const t = k.tick();
    expect(t.picked).toBe(a);
    expect(t.resumed).toBeNull();
    expect(k.scheduler.get(a)?.state).toBe('blocked');
  });

  it('pushes onto a full queue fail and are counted', () => {
    const { k } = boot();
    const a = k.spawn();
    const env = { msg: { portId: 5, srcPid: L.noPid, dstPid: a, bufAddr: 0 }, ref: { kind: 'frame' as const, id: 0 } };
    for (let i = 0; i < L.messageQueueDepth; i++) expect(k.scheduler.pushMsg(a, env)).toBe(true);
    expect(k.scheduler.pushMsg(a, env)).toBe(false);
    expect(k.scheduler.pushMsg(999, env)).toBe(false);
    expect(k.snapshot().processes[0]?.pushFailures).toBe(1);
  });
});
