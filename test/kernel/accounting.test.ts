// The ledger must account for every frame and IPC message at every moment, and report the §9
// hazards when (and only when) they happen.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { frameBalance, ipcBalance } from '../../properties/kernel/balance.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';
import { IP_A, L, W0, WEND, arpFrame, boot, icmpFrame, ipv4Header, tcpFrame, withDriver } from './helpers.ts';
import type { FakeHardware } from './fake-hardware.ts';

const inject = (k: Kernel, hw: FakeHardware, f: Uint8Array) => k.ledger.wireInjected(hw.nic.inject(f));

describe('frame accounting scenarios', () => {
  it('frames before the driver registers are refused by the NIC and reported as silent losses', () => {
    const { k, hw } = boot();
    k.spawn();
    inject(k, hw, arpFrame());
    const s = k.snapshot();
    expect(s.frames).toMatchObject({ injected: 1, nicMissed: 1, nicMissedBy: { 'rx-disabled': 1 } });
    expect(s.hazards['silent-loss']).toBe(1);
  });

  it('ring full: missed by the NIC, counted, not a hazard (MPC reports it)', () => {
    const { k, hw } = boot({ ringFrames: 2 });
    withDriver(k);
    for (let i = 0; i < 3; i++) inject(k, hw, arpFrame());
    const s = k.snapshot();
    expect(s.frames).toMatchObject({ injected: 3, pendingInRing: 2, nicMissed: 1, nicMissedBy: { 'ring-full': 1 } });
    expect(s.hazards['silent-loss']).toBe(0);
  });

  it('a frame overwritten in NET_FRAME_BUF before it was read is counted, and its late reader gets the newer frame', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const f1 = tcpFrame(1, { payload: [1, 1, 1] });
    const f2 = arpFrame();
    inject(k, hw, f1);
    inject(k, hw, f2);
    k.tick();
    k.tick();
    let s = k.snapshot();
    expect(s.frames).toMatchObject({ overwrittenBeforeRead: 1, pendingUnread: 1 });
    expect(s.lastDelivered?.hex).toBe(Buffer.from(f2).toString('hex'));
    // first message: length of f1, content of f2 (plus f1's tail)
    expect(k.syscall(drv, 0x35, 0, W0)).toBe(f1.length);
    const got = k.scheduler.get(drv)?.memory.read(W0, f1.length);
    expect(got?.subarray(0, f2.length)).toEqual(f2);
    s = k.snapshot();
    expect(s.frames).toMatchObject({ staleReads: 1, deliveredAndRead: 0, pendingUnread: 1 });
    expect(s.hazards['netframebuf-disclosure']).toBe(0); // both frames were the driver's
    expect(k.syscall(drv, 0x35, 0, W0)).toBe(f2.length);
    s = k.snapshot();
    expect(s.frames).toMatchObject({ deliveredAndRead: 1, pendingUnread: 0 });
    expect(frameBalance(s.frames).balanced).toBe(true);
  });

  it('cross-process disclosure: A reads the frame delivered for B', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const web = k.spawn();
    k.syscall(web, 0x37, 80, 0);
    inject(k, hw, arpFrame()); // for the driver
    inject(k, hw, tcpFrame(80, { payload: new Array(40).fill(0x77) })); // for web
    k.tick();
    k.tick();
    k.takeEvents();
    expect(k.syscall(drv, 0x35, 0, W0)).toBe(arpFrame().length);
    const ev = k.takeEvents().filter((e) => e.type === 'hazard');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({
      clause: 'kernel.hazard.netframebuf-disclosure',
      event: { readerPid: drv, messageFrameId: 1, disclosed: [{ frameId: 2, dstPid: web }] },
    });
    // web's own read is fresh and discloses nothing
    expect(k.syscall(web, 0x35, 0, W0)).toBe(tcpFrame(80, { payload: new Array(40).fill(0x77) }).length);
    expect(k.snapshot().hazards['netframebuf-disclosure']).toBe(1);
  });

  it('a shorter newer frame leaves an older frame\'s tail in the buffer; a long stale read discloses both', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const a = k.spawn();
    const b = k.spawn();
    k.syscall(a, 0x37, 10, 0);
    k.syscall(b, 0x37, 20, 0);
    inject(k, hw, tcpFrame(30, { payload: new Array(300).fill(1) })); // driver, long
    inject(k, hw, tcpFrame(10, { payload: new Array(100).fill(2) })); // a
    inject(k, hw, tcpFrame(20)); // b, short
    k.tick();
    k.tick();
    k.tick();
    expect(k.snapshot().netFrameBufOwners.map((o) => o.dstPid)).toEqual([b, a, drv]);
    k.takeEvents();
    k.syscall(drv, 0x35, 0, W0);
    const h = k.takeEvents().find((e) => e.type === 'hazard');
    expect(h).toMatchObject({ event: { disclosed: [{ frameId: 3, dstPid: b }, { frameId: 2, dstPid: a }] } });
  });

  it('a full queue loses the frame (counted, hazard) but NET_FRAME_BUF was still overwritten', () => {
    const { k, hw } = boot({ ringFrames: 20 });
    const drv = withDriver(k);
    for (let i = 0; i <= L.messageQueueDepth; i++) inject(k, hw, tcpFrame(1000 + i));
    for (let i = 0; i <= L.messageQueueDepth; i++) k.tick();
    const s = k.snapshot();
    expect(s.queueLengths[String(drv)]).toBe(L.messageQueueDepth);
    expect(s.frames).toMatchObject({ lostQueueFull: 1, overwrittenBeforeRead: L.messageQueueDepth, pendingUnread: 0 });
    expect(s.lastDelivered?.hex).toBe(Buffer.from(tcpFrame(1000 + L.messageQueueDepth)).toString('hex'));
    expect(frameBalance(s.frames).balanced).toBe(true);
  });

  it('blocking receive woken by a delivery completes with the frame length when picked', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    expect(k.syscall(drv, 0x35, 1, W0)).toBe('blocked');
    inject(k, hw, icmpFrame());
    const t = k.tick();
    expect(t.resumed).toEqual({ pid: drv, result: icmpFrame().length });
    expect(k.scheduler.get(drv)?.memory.read(W0, icmpFrame().length)).toEqual(icmpFrame());
    expect(k.snapshot().frames.deliveredAndRead).toBe(1);
  });

  it('a woken receiver not picked before the next poll reads the newer frame (disclosure window)', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const web = k.spawn();
    const other = k.spawn();
    k.syscall(web, 0x37, 80, 0);
    // make `other` current so the round-robin picks drv next, not web
    k.tick(); // drv
    k.tick(); // web
    expect(k.syscall(web, 0x35, 1, W0)).toBe('blocked');
    inject(k, hw, tcpFrame(80));
    inject(k, hw, arpFrame());
    expect(k.tick().picked).toBe(other); // delivers the frame for web, web woken but not picked
    const t = k.tick(); // delivers ARP for drv, then picks drv
    expect(t.picked).toBe(drv);
    const t2 = k.tick(); // picks web: its receive completes with ARP bytes
    expect(t2.resumed?.pid).toBe(web);
    expect(k.snapshot().hazards['netframebuf-disclosure']).toBe(1);
  });

  it('loopback with no driver is a silent loss and accounted', () => {
    const { k } = boot();
    const p = k.spawn();
    k.scheduler.get(p)?.memory.write(W0, Uint8Array.from(ipv4Header({ protocol: 6, totalLength: 20, src: IP_A, dst: IP_A })));
    k.syscall(p, 0x34, 1, W0);
    const s = k.snapshot();
    expect(s.frames).toMatchObject({ looped: 1, loopbackNoDriver: 1 });
    expect(frameBalance(s.frames).balanced).toBe(true);
  });
});

describe('accounting property: the parts add up at every moment', () => {
  type Op =
    | { op: 'spawn' }
    | { op: 'inject'; kind: number; port: number; pad: number }
    | { op: 'tick' }
    | { op: 'recv'; who: number; blocking: boolean; nearEnd: boolean }
    | { op: 'ipc'; who: number; to: number }
    | { op: 'register'; who: number }
    | { op: 'bind'; who: number; port: number }
    | { op: 'loop'; who: number; port: number; raw: boolean };

  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.constant<Op>({ op: 'spawn' }),
    fc.record({ op: fc.constant('inject' as const), kind: fc.nat(4), port: fc.integer({ min: 1, max: 5 }), pad: fc.nat(60) }),
    fc.constant<Op>({ op: 'tick' }),
    fc.constant<Op>({ op: 'tick' }),
    fc.record({ op: fc.constant('recv' as const), who: fc.nat(5), blocking: fc.boolean(), nearEnd: fc.boolean() }),
    fc.record({ op: fc.constant('ipc' as const), who: fc.nat(5), to: fc.nat(6) }),
    fc.record({ op: fc.constant('register' as const), who: fc.nat(5) }),
    fc.record({ op: fc.constant('bind' as const), who: fc.nat(5), port: fc.integer({ min: 1, max: 5 }) }),
    fc.record({ op: fc.constant('loop' as const), who: fc.nat(5), port: fc.integer({ min: 1, max: 5 }), raw: fc.boolean() }),
  );

  function frameFor(kind: number, port: number, pad: number): Uint8Array {
    switch (kind) {
      case 0:
        return arpFrame();
      case 1:
        return icmpFrame();
      case 2:
        return new Uint8Array(5 + (pad % 9)); // driver drops it
      case 3:
        return new Uint8Array(L.rxCallerBufferBytes + 1 + pad); // driver drops it
      default:
        return tcpFrame(port, { payload: new Array(pad).fill(port) });
    }
  }

  it('holds for random interleavings of processes, bindings, frames, ticks and syscalls', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 120 }), fc.integer({ min: 1, max: 6 }), (ops, ringFrames) => {
        const { k, hw } = boot({ ringFrames });
        const pids: number[] = [k.spawn()];
        const pick = (i: number) => pids[i % pids.length] as number;
        for (const o of ops) {
          switch (o.op) {
            case 'spawn':
              if (pids.length < 6) pids.push(k.spawn());
              break;
            case 'inject':
              inject(k, hw, frameFor(o.kind, o.port, o.pad));
              break;
            case 'tick':
              k.tick();
              break;
            case 'recv':
              k.syscall(pick(o.who), 0x35, o.blocking ? 1 : 0, o.nearEnd ? WEND - 3 : W0);
              break;
            case 'ipc':
              k.syscall(pick(o.who), 0x36, o.to === 6 ? 200 : pick(o.to), W0);
              break;
            case 'register':
              k.syscall(pick(o.who), 0x37, 0, 0);
              break;
            case 'bind':
              k.syscall(pick(o.who), 0x37, o.port, 0);
              break;
            case 'loop': {
              const p = pick(o.who);
              const f = tcpFrame(o.port, { src: IP_A, dst: IP_A });
              k.scheduler.get(p)?.memory.write(W0 + 0x2000, o.raw ? f : f.subarray(14));
              k.syscall(p, 0x34, o.raw ? 4 : 1, W0 + 0x2000);
              break;
            }
          }
          const s = k.snapshot();
          const fb = frameBalance(s.frames);
          if (!fb.balanced) throw new Error(`frames: total ${fb.total} != parts ${fb.parts} after ${JSON.stringify(o)}`);
          if (!ipcBalance(s.ipc).balanced) throw new Error(`ipc out of balance after ${JSON.stringify(o)}`);
          expect(s.frames.pendingInRing).toBe(hw.fake.ring.length);
          expect(s.frames.pendingUnread).toBeLessThanOrEqual(1);
          expect(s.frames.nicMissed).toBe(Object.values(s.frames.nicMissedBy).reduce((a, b) => a + b, 0));
          // a frame counted pendingUnread has its message in some queue
          if (s.unreadFrameId !== null) {
            const queued = k.scheduler.all().some((p) => p.queue.toArray().some((e) => e.ref.kind === 'frame' && e.ref.id === s.unreadFrameId));
            expect(queued).toBe(true);
          }
          expect(s.registry.length).toBeLessThanOrEqual(L.portBindings);
        }
      }),
      { numRuns: 300 },
    );
  });
});
