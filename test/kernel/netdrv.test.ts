import { describe, expect, it } from 'vitest';
import { tcpDestPort } from '../../src/kernel/netdrv.ts';
import { NET_FRAME_BUF_ADDR } from '../../src/kernel/constants.ts';
import { frameBalance } from '../../properties/kernel/balance.ts';
import { L, arpFrame, boot, ethernet, icmpFrame, ipv4Header, tcpFrame, udpFrame, withDriver } from './helpers.ts';

describe('tcp_dest_port', () => {
  it('reads the destination port after IHL*4 header bytes', () => {
    expect(tcpDestPort(tcpFrame(8080))).toBe(8080);
    expect(tcpDestPort(tcpFrame(22, { ihl: 6 }))).toBe(22);
    expect(tcpDestPort(tcpFrame(443, { ihl: 15 }))).toBe(443);
  });

  it('is None for non-TCP, non-IPv4 and short frames', () => {
    expect(tcpDestPort(arpFrame())).toBeNull();
    expect(tcpDestPort(icmpFrame())).toBeNull();
    expect(tcpDestPort(udpFrame(8080))).toBeNull();
    expect(tcpDestPort(new Uint8Array(13))).toBeNull();
    expect(tcpDestPort(ethernet(0x86dd, new Array(60).fill(6)))).toBeNull();
    // IPv4/TCP but shorter than 34 bytes
    expect(tcpDestPort(ethernet(0x0800, ipv4Header({ protocol: 6, totalLength: 20 }).slice(0, 19)))).toBeNull();
    // header complete but the port is cut off: needs 14 + IHL*4 + 4 bytes
    const f = tcpFrame(8080);
    expect(tcpDestPort(f.subarray(0, 14 + 20 + 3))).toBeNull();
    expect(tcpDestPort(f.subarray(0, 14 + 20 + 4))).toBe(8080);
    // the len argument limits what is looked at
    expect(tcpDestPort(f, 14 + 20 + 3)).toBeNull();
  });

  it('is None for IHL < 5 (decision: not a valid IPv4 header)', () => {
    const f = tcpFrame(8080);
    for (const ihl of [0, 1, 4]) {
      const g = f.slice();
      g[14] = 0x40 | ihl;
      expect(tcpDestPort(g)).toBeNull();
    }
  });
});

describe('PORT_REGISTRY', () => {
  it('binds to the first free slot, updates an existing entry on rebind, never holds more than portBindings', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    expect(k.netdrv.bindPort(80, a)).toEqual({ slot: 0, previousPid: L.noPid });
    expect(k.netdrv.bindPort(81, a)).toEqual({ slot: 1, previousPid: L.noPid });
    expect(k.netdrv.bindPort(80, b)).toEqual({ slot: 0, previousPid: a });
    expect(k.netdrv.lookupPort(80)).toBe(b);
    expect(k.netdrv.lookupPort(81)).toBe(a);
    expect(k.netdrv.lookupPort(82)).toBeNull();
    expect(k.netdrv.activePorts()).toEqual([80, 81]);
    expect(k.snapshot().hazards['port-hijack']).toBe(1);
  });

  it('overwrites slot 0 when all slots are full (the 17th binding evicts the first)', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    for (let i = 0; i < L.portBindings; i++) k.netdrv.bindPort(1000 + i, a);
    expect(k.netdrv.bindPort(2000, b)).toEqual({ slot: 0, previousPid: a });
    expect(k.netdrv.lookupPort(1000)).toBeNull();
    expect(k.netdrv.lookupPort(2000)).toBe(b);
    expect(k.netdrv.activePorts()).toHaveLength(L.portBindings);
    const ev = k.takeEvents().filter((e) => e.type === 'hazard');
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ clause: 'kernel.hazard.port-hijack', event: { how: 'eviction', port: 2000, evictedPort: 1000, previousPid: a, newPid: b } });
  });

  it('a process rebinding its own port, or evicting its own slot, is no hijack', () => {
    const { k } = boot();
    const a = k.spawn();
    for (let i = 0; i < L.portBindings; i++) k.netdrv.bindPort(1000 + i, a);
    k.netdrv.bindPort(1003, a);
    k.netdrv.bindPort(3000, a);
    expect(k.snapshot().hazards['port-hijack']).toBe(0);
  });
});

describe('register_driver', () => {
  it('initialises the NIC once, caches the MAC, and is idempotent', () => {
    const { k, hw } = boot();
    const a = k.spawn();
    const b = k.spawn();
    expect(k.config.mac).toEqual(new Uint8Array(6));
    expect(k.netdrv.registerDriver(a)).toEqual({ ok: true, value: 'registered' });
    expect(k.config.mac).toEqual(hw.nic.mac);
    expect(k.netdrv.registerDriver(b)).toEqual({ ok: true, value: 'already-registered' });
    expect(k.netdrv.NET_DRV_PID).toBe(a);
    expect(hw.fake.initCalls).toBe(1);
  });

  it('a NIC that cannot be initialised leaves no driver', () => {
    const { k } = boot({ initFails: true });
    const a = k.spawn();
    const r = k.netdrv.registerDriver(a);
    expect(r.ok).toBe(false);
    expect(k.netdrv.driverRegistered).toBe(false);
  });

  it('frames sitting in the ring when the reset happens are accounted as lost to the reset', () => {
    const { k, hw } = boot({ rxEnabledAtReset: true });
    const a = k.spawn();
    expect(hw.nic.inject(arpFrame()).accepted).toBe(true);
    k.ledger.wireInjected({ accepted: true, offset: 0 });
    k.netdrv.registerDriver(a);
    const s = k.snapshot();
    expect(s.frames.lostToNicReset).toBe(1);
    expect(s.frames.pendingInRing).toBe(0);
    expect(frameBalance(s.frames).balanced).toBe(true);
  });
});

describe('poll_and_deliver', () => {
  const inject = (k: ReturnType<typeof boot>['k'], hw: ReturnType<typeof boot>['hw'], f: Uint8Array) => k.ledger.wireInjected(hw.nic.inject(f));

  it('does nothing until a driver registers', () => {
    const { k, hw } = boot({ rxEnabledAtReset: true });
    k.spawn();
    inject(k, hw, arpFrame());
    expect(k.netdrv.pollAndDeliver()).toEqual({ calls: 0, received: [], dropped: 0 });
    expect(hw.fake.receiveCalls).toBe(0);
    expect(hw.fake.ring).toHaveLength(1);
  });

  it('receives at most framesPerTick frames per call and routes them', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const web = k.spawn();
    k.netdrv.bindPort(80, web);
    inject(k, hw, tcpFrame(80));
    inject(k, hw, arpFrame());
    inject(k, hw, tcpFrame(81));
    const r1 = k.netdrv.pollAndDeliver();
    expect(r1.calls).toBe(L.framesPerTick);
    expect(r1.received).toHaveLength(1);
    expect(k.scheduler.get(web)?.queue.toArray()[0]?.msg).toEqual({ portId: tcpFrame(80).length, srcPid: L.noPid, dstPid: web, bufAddr: NET_FRAME_BUF_ADDR });
    k.netdrv.pollAndDeliver();
    k.netdrv.pollAndDeliver();
    expect(k.scheduler.get(drv)?.queue.length).toBe(2);
    expect(k.scheduler.get(web)?.queue.length).toBe(1);
    // NET_FRAME_BUF holds exactly the last delivered frame
    const last = tcpFrame(81);
    expect(k.netdrv.NET_FRAME_BUF.subarray(0, last.length)).toEqual(last);
    expect(k.netdrv.pollAndDeliver()).toEqual({ calls: 1, received: [], dropped: 0 });
  });

  it('routes ARP, ICMP, UDP, unbound TCP and non-IPv4 to the driver', () => {
    const { k, hw } = boot({ ringFrames: 10 });
    const drv = withDriver(k);
    const web = k.spawn();
    k.netdrv.bindPort(8080, web);
    for (const f of [arpFrame(), icmpFrame(), udpFrame(8080), tcpFrame(9090), ethernet(0x86dd, new Array(50).fill(0))]) inject(k, hw, f);
    for (let i = 0; i < 5; i++) k.netdrv.pollAndDeliver();
    expect(k.scheduler.get(drv)?.queue.length).toBe(5);
    expect(k.scheduler.get(web)?.queue.length).toBe(0);
  });

  it('counts frames the driver drops, and a drop uses up the tick', () => {
    const { k, hw } = boot();
    withDriver(k);
    inject(k, hw, new Uint8Array(10)); // < 14: dropped by the driver
    inject(k, hw, new Uint8Array(L.rxCallerBufferBytes + 1)); // > 2 KiB: dropped
    inject(k, hw, arpFrame());
    expect(k.netdrv.pollAndDeliver()).toMatchObject({ calls: 1, dropped: 1, received: [] });
    expect(k.netdrv.pollAndDeliver()).toMatchObject({ calls: 1, dropped: 1, received: [] });
    expect(k.netdrv.pollAndDeliver().received).toHaveLength(1);
    const s = k.snapshot();
    expect(s.frames.droppedByDriver).toBe(2);
    expect(frameBalance(s.frames).balanced).toBe(true);
  });

  it('a frame nobody announced is still accounted for', () => {
    const { k, hw } = boot();
    withDriver(k);
    hw.nic.inject(arpFrame()); // behind the kernel's back
    k.netdrv.pollAndDeliver();
    const s = k.snapshot();
    expect(s.frames.injected).toBe(1);
    expect(frameBalance(s.frames).balanced).toBe(true);
  });
});

describe('loopback_deliver', () => {
  it('drops looped frames while no driver is registered', () => {
    const { k } = boot();
    k.spawn();
    const r = k.netdrv.loopbackDeliver(tcpFrame(80));
    expect(r).toEqual({ ok: true, value: { frameId: 1, delivered: false } });
    expect(k.snapshot().frames.loopbackNoDriver).toBe(1);
    expect(k.snapshot().hazards['silent-loss']).toBe(1);
  });

  it('copies into NET_FRAME_BUF and routes like a received frame', () => {
    const { k } = boot();
    withDriver(k);
    const web = k.spawn();
    k.netdrv.bindPort(80, web);
    const f = tcpFrame(80);
    expect(k.netdrv.loopbackDeliver(f).ok).toBe(true);
    expect(k.scheduler.get(web)?.queue.length).toBe(1);
    expect(k.netdrv.NET_FRAME_BUF.subarray(0, f.length)).toEqual(f);
    expect(k.snapshot().frames.deliveredFromLoopback).toBe(1);
  });

  it('refuses a frame larger than NET_FRAME_BUF before it counts as a frame', () => {
    const { k } = boot();
    withDriver(k);
    const r = k.netdrv.loopbackDeliver(new Uint8Array(L.netFrameBufBytes + 1));
    expect(r.ok).toBe(false);
    expect(k.snapshot().frames.looped).toBe(0);
  });
});
