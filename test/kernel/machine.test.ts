// Integration: the kernel over the real device models and drivers (createHardware).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createMachine } from '../../src/kernel/machine.ts';
import type { Machine } from '../../src/kernel/machine.ts';
import { RC } from '../../src/kernel/constants.ts';
import { frameBalance, ipcBalance } from '../../properties/kernel/balance.ts';
import { IP_A, IP_B, L, W0, WEND, arpFrame, icmpFrame, ipv4Header, tcpFrame, udpFrame } from './helpers.ts';
import { withFcs } from '../../properties/oracles.ts';

const MAC = Uint8Array.from([0x52, 0x54, 0x00, 0xab, 0xcd, 0xef]);
const peek = (m: Machine, pid: number, addr: number, n: number): Uint8Array => {
  const r = m.peek(pid, addr, n);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const poke = (m: Machine, pid: number, addr: number, b: Uint8Array | number[]): void => {
  const r = m.poke(pid, addr, Uint8Array.from(b));
  if (!r.ok) throw new Error(r.error.message);
};

function driverMachine(): { m: Machine; drv: number } {
  const m = createMachine(undefined, { mac: MAC, ip: Uint8Array.from(IP_A) });
  const drv = m.spawn();
  expect(m.syscall(drv, 0x37, 0, 0)).toBe(RC.Okay);
  return { m, drv };
}

describe('machine over the real hardware', () => {
  it('before a driver registers the NIC refuses frames; registration enables it and caches the MAC', () => {
    const m = createMachine(undefined, { mac: MAC });
    const p = m.spawn();
    expect(m.inject(arpFrame())).toMatchObject({ accepted: false, reason: 'rx-disabled' });
    m.tick();
    expect(m.snapshot().frames).toMatchObject({ injected: 1, nicMissed: 1 });
    expect(m.syscall(p, 0x37, 0, 0)).toBe(RC.Okay);
    const s = m.snapshot();
    expect(s.driverPid).toBe(p);
    expect(s.systemConfig.mac).toBe('525400abcdef');
    expect(m.inject(arpFrame()).accepted).toBe(true);
  });

  it('a bound port receives its TCP frame; ARP, ICMP and UDP go to the driver', () => {
    const { m, drv } = driverMachine();
    const web = m.spawn();
    expect(m.syscall(web, 0x37, 8080, 0)).toBe(RC.Okay);
    const frames = [tcpFrame(8080, { payload: [1, 2, 3] }), arpFrame(), icmpFrame(), udpFrame(8080), tcpFrame(22)];
    for (const f of frames) expect(m.inject(f).accepted).toBe(true);
    const got: Record<number, number[]> = { [drv]: [], [web]: [] };
    for (let i = 0; i < frames.length; i++) {
      const t = m.tick();
      expect(t.poll.received).toHaveLength(1); // one frame per tick
      for (const pid of [drv, web]) {
        const n = m.syscall(pid, 0x35, 0, W0);
        if (typeof n === 'number' && n > 0) {
          got[pid]?.push(i);
          expect(peek(m, pid, W0, n)).toEqual(withFcs(frames[i]!)); // the driver hands back the CRC too
        }
      }
    }
    expect(got[web]).toEqual([0]);
    expect(got[drv]).toEqual([1, 2, 3, 4]);
    expect(frameBalance(m.snapshot().frames)).toMatchObject({ balanced: true, total: 5 });
    expect(m.snapshot().frames.deliveredAndRead).toBe(5);
  });

  it('after n ticks at most n frames were delivered, and NET_FRAME_BUF holds the last one', () => {
    const { m } = driverMachine();
    const fs = [arpFrame(), icmpFrame(), tcpFrame(1, { payload: new Array(500).fill(3) })];
    for (const f of fs) m.inject(f);
    m.tick();
    m.tick();
    const s = m.snapshot();
    expect(s.frames.deliveredFromWire).toBe(2);
    expect(s.frames.pendingInRing).toBe(1);
    const icmp = Buffer.from(withFcs(icmpFrame())).toString('hex');
    expect(s.lastDelivered?.hex).toBe(icmp);
    expect(s.netFrameBuf.slice(0, icmp.length)).toBe(icmp);
  });

  it('the 17th binding evicts slot 0, and 0x38 reports exactly the table', () => {
    const { m, drv } = driverMachine();
    const a = m.spawn();
    const b = m.spawn();
    for (let i = 0; i < L.portBindings; i++) m.syscall(a, 0x37, 100 + i, 0);
    m.syscall(b, 0x37, 999, 0);
    const s = m.snapshot();
    expect(s.registry[0]).toEqual({ slot: 0, port: 999, pid: b });
    expect(s.registry).toHaveLength(L.portBindings);
    expect(s.hazards['port-hijack']).toBe(1);
    expect(m.syscall(drv, 0x38, W0, 0)).toBe(RC.Okay);
    const ns = peek(m, drv, W0, L.netStatusBytes);
    expect(ns.subarray(0, 6)).toEqual(MAC);
    expect(Array.from(ns.subarray(6, 10))).toEqual(IP_A);
    expect(ns[10]).toBe(1);
    expect(ns[11]).toBe(L.portBindings);
    const ports = Array.from({ length: L.portBindings }, (_, i) => (ns[12 + 2 * i] as number) | ((ns[13 + 2 * i] as number) << 8));
    expect(ports).toEqual(s.registry.map((e) => e.port));
    expect(s.netStatus).toBe(Buffer.from(ns).toString('hex'));
  });

  it('queue overflow: the 11th undelivered message is lost and counted', () => {
    const { m, drv } = driverMachine();
    for (let i = 0; i <= L.messageQueueDepth; i++) {
      expect(m.inject(arpFrame()).accepted).toBe(true);
      m.tick();
    }
    const s = m.snapshot();
    expect(s.queueLengths[String(drv)]).toBe(L.messageQueueDepth);
    expect(s.frames.lostQueueFull).toBe(1);
    expect(s.processes.find((p) => p.pid === drv)?.pushFailures).toBe(1);
    expect(frameBalance(s.frames).balanced).toBe(true);
  });

  it('ring full: frames the NIC misses are counted from the inject outcome', () => {
    const { m } = driverMachine();
    let missed = 0;
    for (let i = 0; i < 10; i++) if (!m.inject(tcpFrame(5, { payload: new Array(1400).fill(i) })).accepted) missed++;
    expect(missed).toBeGreaterThan(0);
    const s = m.snapshot();
    expect(s.frames.nicMissedBy['ring-full']).toBe(missed);
    expect(frameBalance(s.frames).balanced).toBe(true);
  });

  it('frames the driver drops (< 14 bytes) are accounted and later frames still flow', () => {
    const { m, drv } = driverMachine();
    expect(m.inject(new Uint8Array(8)).accepted).toBe(true);
    m.inject(arpFrame());
    expect(m.tick().poll).toMatchObject({ dropped: 1, received: [] });
    expect(m.tick().poll.received).toHaveLength(1);
    expect(m.syscall(drv, 0x35, 0, W0)).toBe(arpFrame().length + 4);
    expect(m.snapshot().frames).toMatchObject({ droppedByDriver: 1, deliveredAndRead: 1 });
  });

  it('a received frame reaches the process with its CRC: a 60-byte frame is 64 bytes in NET_FRAME_BUF, port_id and 0x35', () => {
    const { m, drv } = driverMachine();
    const f = tcpFrame(9, { payload: new Array(6).fill(5) });
    expect(f.length).toBe(60);
    m.inject(f);
    expect(m.tick().poll.received).toHaveLength(1);
    const s = m.snapshot();
    expect(s.lastDelivered).toMatchObject({ len: 64, dstPid: drv, hex: Buffer.from(withFcs(f)).toString('hex') });
    expect(m.syscall(drv, 0x35, 0, W0)).toBe(64);
    expect(peek(m, drv, W0, 64)).toEqual(withFcs(f));
  });

  it('a 2044-byte frame fills the 2 KiB NET_FRAME_BUF with its CRC; a 2045-byte one is dropped', () => {
    const { m, drv } = driverMachine();
    const fits = tcpFrame(9, { payload: new Array(L.netFrameBufBytes - 4 - tcpFrame(9).length).fill(1) });
    const over = tcpFrame(9, { payload: new Array(L.netFrameBufBytes - 3 - tcpFrame(9).length).fill(2) });
    expect([fits.length, over.length]).toEqual([L.netFrameBufBytes - 4, L.netFrameBufBytes - 3]);
    m.inject(over);
    m.inject(fits);
    expect(m.tick().poll).toMatchObject({ dropped: 1, received: [] });
    expect(m.tick().poll.received).toHaveLength(1);
    expect(m.syscall(drv, 0x35, 0, W0)).toBe(L.netFrameBufBytes);
    expect(peek(m, drv, W0, L.netFrameBufBytes)).toEqual(withFcs(fits));
  });

  it('a blocking receive is woken by a delivery and completes when the process is picked', () => {
    const { m, drv } = driverMachine();
    expect(m.syscall(drv, 0x35, 1, W0)).toBe('blocked');
    m.tick();
    m.inject(icmpFrame());
    const t = m.tick();
    expect(t.resumed).toEqual({ pid: drv, result: icmpFrame().length + 4 });
    expect(peek(m, drv, W0, icmpFrame().length + 4)).toEqual(withFcs(icmpFrame()));
  });

  it('0x34 raw Ethernet reaches the wire padded; loopback never reaches the wire or the serial line', () => {
    const { m, drv } = driverMachine();
    poke(m, drv, W0, arpFrame());
    expect(m.syscall(drv, 0x34, 4, W0)).toBe(RC.Okay);
    expect(m.wire()).toHaveLength(1);
    expect(m.wire()[0]?.bytes.length).toBe(L.minEthernetFrame);
    const looped = tcpFrame(7, { src: IP_A, dst: IP_A });
    poke(m, drv, W0, looped);
    expect(m.syscall(drv, 0x34, 4, W0)).toBe(RC.Okay);
    poke(m, drv, W0, looped.subarray(14));
    expect(m.syscall(drv, 0x34, 1, W0)).toBe(RC.Okay);
    expect(m.wire()).toHaveLength(1);
    expect(m.serialLine()).toHaveLength(0);
    expect(m.snapshot().frames.deliveredFromLoopback).toBe(2);
  });

  it('0x34 IPv4 goes out over SLIP on the UART', () => {
    const { m, drv } = driverMachine();
    const d = [...ipv4Header({ protocol: 17, totalLength: 24, src: IP_A, dst: IP_B }), 1, 2, 3, 4];
    poke(m, drv, W0, d);
    expect(m.syscall(drv, 0x34, 1, W0)).toBe(RC.Okay);
    expect(m.serialLine().map((x) => x.byte)).toEqual([0xc0, ...d, 0xc0]);
    expect(m.wire()).toHaveLength(0);
  });

  it('0x34 raw Ethernet before any driver: nothing sent (the NIC is not initialised), reported as a silent loss', () => {
    const m = createMachine();
    const p = m.spawn();
    poke(m, p, W0, arpFrame());
    expect(m.syscall(p, 0x34, 4, W0)).toBe(RC.Okay);
    expect(m.wire()).toHaveLength(0);
    expect(m.snapshot().hazards['silent-loss']).toBe(1);
  });

  it('the serial line: fed SLIP bytes come back as datagrams; the kernel boots COM1', () => {
    const m = createMachine();
    expect(m.hw.uart.registers()).toMatchObject({ divisor: L.serialDivisor });
    m.feedSerial(Uint8Array.of(0xc0, 0x45, 0xdb, 0xdc, 0x01, 0xc0));
    expect(m.serialReceive()).toEqual([Uint8Array.of(0x45, 0xc0, 0x01)]);
    expect(m.serialReceive()).toEqual([]);
  });

  it('hazard events reach the journal and the snapshot hazard log', () => {
    const { m, drv } = driverMachine();
    const b = m.spawn();
    m.syscall(b, 0x37, 80, 0);
    m.syscall(drv, 0x37, 80, 0); // the driver takes b's port
    const events = m.takeEvents();
    expect(events.some((e) => e.type === 'hazard' && e.clause === 'kernel.hazard.port-hijack')).toBe(true);
    expect(m.takeEvents()).toEqual([]);
    expect(m.snapshot().hazardLog).toEqual([
      expect.objectContaining({ hazard: 'port-hijack', how: 'handover', port: 80, previousPid: b, newPid: drv }),
    ]);
  });

  it('poke/peek cover the window and the guard, nothing else', () => {
    const m = createMachine();
    const p = m.spawn();
    expect(m.poke(p, WEND, Uint8Array.of(1, 2)).ok).toBe(true);
    expect(m.peek(p, WEND, 2)).toEqual({ ok: true, value: Uint8Array.of(1, 2) });
    expect(m.poke(p, W0 - 1, Uint8Array.of(1)).ok).toBe(false);
    expect(m.peek(p + 1, W0, 1).ok).toBe(false);
    expect(m.poke(p + 1, W0, Uint8Array.of(1)).ok).toBe(false);
    expect(m.peek(p, WEND + 0x20000, 1).ok).toBe(false);
  });

  it('wild syscalls never throw and always answer a documented code (or out of scope for a defined, unmodelled number)', () => {
    const documented = new Set<number>([RC.Okay, RC.NotImplemented, RC.InvalidInput, RC.InvalidSyscall]);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            no: fc.oneof(fc.integer({ min: 0x30, max: 0x3a }), fc.integer(), fc.double()),
            arg1: fc.oneof(fc.nat(8), fc.integer({ min: W0 - 4, max: W0 + 4 }), fc.integer({ min: WEND - 64, max: WEND + 4 }), fc.integer(), fc.double()),
            arg2: fc.oneof(fc.integer({ min: W0 - 4, max: W0 + 4 }), fc.integer({ min: WEND - 64, max: WEND + 4 }), fc.integer(), fc.double()),
            junk: fc.uint8Array({ maxLength: 64 }),
          }),
          { maxLength: 25 },
        ),
        (calls) => {
          const m = createMachine();
          const a = m.spawn();
          m.spawn();
          for (const c of calls) {
            if (m.peek(a, W0, 1).ok) m.poke(a, W0, c.junk);
            const r = m.syscall(a, c.no, c.arg1, c.arg2);
            if (r === 'blocked') {
              m.tick();
              continue;
            }
            if (r === 'out-of-scope') {
              // Only a number rou2exOS defines outside the modelled ABI is out of scope.
              expect(m.profile.syscalls.definedNotModelled).toContain(c.no);
              continue;
            }
            expect(typeof r).toBe('number');
            // 0x35 returns a length; everything else a documented code
            if (c.no !== 0x35) expect(documented.has(r as number)).toBe(true);
          }
          const s = m.snapshot();
          expect(frameBalance(s.frames).balanced).toBe(true);
          expect(ipcBalance(s.ipc).balanced).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
