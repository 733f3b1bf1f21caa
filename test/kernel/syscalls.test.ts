import { describe, expect, it } from 'vitest';
import { RC } from '../../src/kernel/constants.ts';
import { ICMP_BUILD_BYTES, TCP_REQUEST, writeU16LE } from '../../src/kernel/packet-build.ts';
import { parseIpv4 } from '../../src/codec/ipv4.ts';
import { parseIcmp } from '../../src/codec/icmp.ts';
import { parseTcp, verifyTcpChecksum } from '../../src/codec/tcp.ts';
import { readU16BE } from '../../src/util/bytes.ts';
import { IP_A, IP_B, L, W0, WEND, arpFrame, boot, ethernet, ipv4Header, profile, tcpFrame, withDriver } from './helpers.ts';
import type { Kernel } from '../../src/kernel/kernel.ts';

const poke = (k: Kernel, pid: number, addr: number, b: Uint8Array | number[]) => k.scheduler.get(pid)?.memory.write(addr, Uint8Array.from(b));
const peek = (k: Kernel, pid: number, addr: number, n: number) => k.scheduler.get(pid)?.memory.read(addr, n) ?? new Uint8Array(0);

describe('dispatcher: numbers and pointers', () => {
  it('answers numbers rou2exOS does not define with InvalidSyscall', () => {
    const { k } = boot();
    const p = k.spawn();
    for (const no of [4, 9, 0x0b, 0x13, 0x2c, 0x2f, 0x39, 0x7f, 0xff, -1, 1.5, Number.NaN, 2 ** 60]) expect(k.syscall(p, no, 0, W0)).toBe(RC.InvalidSyscall);
  });

  it('numbers rou2exOS defines outside the modelled ABI are out of scope, never InvalidSyscall', () => {
    const { k } = boot();
    const p = k.spawn();
    const defined = profile.syscalls.definedNotModelled;
    expect(defined).toEqual(expect.arrayContaining([0, 1, 2, 3, 0x0a, 0x10, 0x1f, 0x20, 0x2b]));
    // 0x30..0x32 are modelled (src/kernel/port-syscalls.ts).
    expect(defined.filter((n) => n >= 0x30 && n <= 0x32)).toEqual([]);
    for (const no of defined) expect(k.syscall(p, no, 0, W0)).toBe('out-of-scope');
  });

  it('an unknown pid cannot call anything', () => {
    const { k } = boot();
    expect(k.syscall(42, 0x35, 0, W0)).toBe('no-such-process');
  });

  it('checks every pointer argument against userWindowStart..=userWindowEnd', () => {
    const { k } = boot();
    const p = k.spawn();
    const other = k.spawn();
    const bad = [W0 - 1, WEND + 1, 0, -5, Number.NaN, W0 + 0.5, 2 ** 53];
    for (const addr of bad) {
      expect(k.syscall(p, 0x33, 1, addr)).toBe(RC.InvalidInput);
      expect(k.syscall(p, 0x34, 4, addr)).toBe(RC.InvalidInput);
      expect(k.syscall(p, 0x35, 0, addr)).toBe(RC.InvalidInput);
      expect(k.syscall(p, 0x35, 1, addr)).toBe(RC.InvalidInput);
      expect(k.syscall(p, 0x36, other, addr)).toBe(RC.InvalidInput);
      expect(k.syscall(p, 0x38, addr, 0)).toBe(RC.InvalidInput);
    }
    // the bounds themselves are accepted
    expect(k.syscall(p, 0x35, 0, W0)).toBe(0);
    expect(k.syscall(p, 0x35, 0, WEND)).toBe(0);
    expect(k.syscall(p, 0x38, WEND, 0)).toBe(RC.Okay);
  });
});

describe('0x33 build a packet in place', () => {
  it('IPv4: rebuilds a 20-byte header with defaults and checksum, as the reply to the given header', () => {
    const { k } = boot();
    const p = k.spawn();
    const payload = [1, 2, 3, 4, 5];
    poke(k, p, W0, [...ipv4Header({ protocol: 17, totalLength: 25, src: IP_B, dst: IP_A }), ...payload]);
    expect(k.syscall(p, 0x33, 1, W0)).toBe(RC.Okay);
    const r = parseIpv4(peek(k, p, W0, 25));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.checksumOk).toBe(true);
    expect(r.value.header).toMatchObject({ versionIhl: 0x45, totalLength: 25, identification: 0x1337, flagsFragment: 0x4000, ttl: 64, protocol: 17 });
    expect(Array.from(r.value.header.src)).toEqual(IP_A);
    expect(Array.from(r.value.header.dst)).toEqual(IP_B);
    expect(Array.from(r.value.payload)).toEqual(payload);
  });

  it('IPv4: options in the request are dropped; bad IHL or total_length is InvalidInput and leaves the buffer alone', () => {
    const { k } = boot();
    const p = k.spawn();
    poke(k, p, W0, [...ipv4Header({ protocol: 6, totalLength: 27, ihl: 6 }), 9, 8, 7]);
    expect(k.syscall(p, 0x33, 1, W0)).toBe(RC.Okay);
    const r = parseIpv4(peek(k, p, W0, 23));
    expect(r.ok && Array.from(r.value.payload)).toEqual([9, 8, 7]);

    const before = Uint8Array.from(ipv4Header({ protocol: 6, totalLength: 20, ihl: 4 }));
    poke(k, p, W0, before);
    expect(k.syscall(p, 0x33, 1, W0)).toBe(RC.InvalidInput);
    expect(peek(k, p, W0, 20)).toEqual(before);
    poke(k, p, W0, ipv4Header({ protocol: 6, totalLength: 19 }));
    expect(k.syscall(p, 0x33, 1, W0)).toBe(RC.InvalidInput);
    // r2 refuses total_len >= 1500: 1499 is the largest datagram 0x33/1 builds.
    expect(L.build0x33MaxTotalLength).toBe(1499);
    for (const total of [1500, 1501, 0xffff]) {
      poke(k, p, W0, ipv4Header({ protocol: 6, totalLength: total }));
      expect(k.syscall(p, 0x33, 1, W0)).toBe(RC.InvalidInput);
    }
    for (const total of [1498, 1499]) {
      poke(k, p, W0, ipv4Header({ protocol: 6, totalLength: total }));
      expect(k.syscall(p, 0x33, 1, W0)).toBe(RC.Okay);
    }
  });

  it('ICMP: a 64-byte echo reply with the request identifier/sequence and a valid checksum', () => {
    const { k } = boot();
    const p = k.spawn();
    const data = Array.from({ length: 56 }, (_, i) => i);
    poke(k, p, W0, [8, 0, 0, 0, 0x12, 0x34, 0x00, 0x07, ...data]);
    expect(k.syscall(p, 0x33, 2, W0)).toBe(RC.Okay);
    const r = parseIcmp(peek(k, p, W0, ICMP_BUILD_BYTES));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ type: 0, code: 0, identifier: 0x1234, sequence: 7, checksumOk: true });
    expect(Array.from(r.value.payload)).toEqual(data);
  });

  it('TCP: a segment from a TcpPacketRequest (native byte order fields), window 1024, valid checksum', () => {
    const { k } = boot();
    const p = k.spawn();
    const req = new Uint8Array(TCP_REQUEST.payload + 3);
    writeU16LE(req, TCP_REQUEST.srcPort, 8080);
    writeU16LE(req, TCP_REQUEST.dstPort, 40000);
    new DataView(req.buffer).setUint32(TCP_REQUEST.seq, 0xdeadbeef, true);
    new DataView(req.buffer).setUint32(TCP_REQUEST.ack, 42, true);
    writeU16LE(req, TCP_REQUEST.offsetFlags, (5 << 12) | 0x12);
    req.set(IP_A, TCP_REQUEST.srcIp);
    req.set(IP_B, TCP_REQUEST.dstIp);
    writeU16LE(req, TCP_REQUEST.length, 3);
    req.set([0x61, 0x62, 0x63], TCP_REQUEST.payload);
    poke(k, p, W0, req);
    expect(k.syscall(p, 0x33, 3, W0)).toBe(RC.Okay);
    const seg = peek(k, p, W0, 23);
    const r = parseTcp(seg);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.header).toMatchObject({ srcPort: 8080, dstPort: 40000, seq: 0xdeadbeef, ack: 42, dataOffset: 5, flags: 0x12, window: profile.defaults.tcpWindow });
    expect(Array.from(r.value.payload)).toEqual([0x61, 0x62, 0x63]);
    expect(verifyTcpChecksum(Uint8Array.from(IP_A), Uint8Array.from(IP_B), seg)).toBe(true);
  });

  it('TCP: a payload that cannot fit one Ethernet frame is InvalidInput', () => {
    const { k } = boot();
    const p = k.spawn();
    const req = new Uint8Array(TCP_REQUEST.payload);
    writeU16LE(req, TCP_REQUEST.length, L.maxEthernetFrame - 14 - 40 + 1);
    poke(k, p, W0, req);
    expect(k.syscall(p, 0x33, 3, W0)).toBe(RC.InvalidInput);
  });

  it('unknown types are InvalidInput (decision)', () => {
    const { k } = boot();
    const p = k.spawn();
    for (const t of [0, 4, 0xff, -1, 1.5]) expect(k.syscall(p, 0x33, t, W0)).toBe(RC.InvalidInput);
  });
});

describe('0x34 send', () => {
  it('raw Ethernet: ARP is 42 bytes (padded to 60 by the driver), IPv4 is 14 + total_length', () => {
    const { k, hw } = boot();
    const p = withDriver(k);
    const arp = arpFrame();
    poke(k, p, W0, [...arp, 0xee, 0xee, 0xee]);
    expect(k.syscall(p, 0x34, 4, W0)).toBe(RC.Okay);
    expect(hw.nic.wire[0]?.bytes.length).toBe(L.minEthernetFrame);
    expect(hw.nic.wire[0]?.bytes.subarray(0, 42)).toEqual(arp);
    expect(hw.nic.wire[0]?.bytes.subarray(42).every((b) => b === 0)).toBe(true);

    const f = tcpFrame(80, { payload: new Array(100).fill(7) });
    poke(k, p, W0, [...f, 0xee, 0xee]);
    expect(k.syscall(p, 0x34, 4, W0)).toBe(RC.Okay);
    expect(hw.nic.wire[1]?.bytes).toEqual(f);
  });

  it('raw Ethernet: other EtherTypes and lengths outside 14..=1514 send nothing and return InvalidInput', () => {
    const { k, hw } = boot();
    const p = withDriver(k);
    poke(k, p, W0, ethernet(0x86dd, new Array(60).fill(1)));
    expect(k.syscall(p, 0x34, 4, W0)).toBe(RC.InvalidInput);
    const big = tcpFrame(80);
    big[16] = 0x05;
    big[17] = 0xdd; // total_length 1501 → 1515 bytes
    poke(k, p, W0, big);
    expect(k.syscall(p, 0x34, 4, W0)).toBe(RC.InvalidInput);
    big[17] = 0xdc; // 1500 → 1514: sent
    poke(k, p, W0, big);
    expect(k.syscall(p, 0x34, 4, W0)).toBe(RC.Okay);
    expect(hw.nic.wire).toHaveLength(1);
    expect(hw.nic.wire[0]?.bytes.length).toBe(L.maxEthernetFrame);
  });

  it('raw Ethernet with src_ip == dst_ip is looped back and never reaches the wire', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const web = k.spawn();
    k.syscall(web, 0x37, 80, 0);
    const f = tcpFrame(80, { src: IP_A, dst: IP_A });
    poke(k, drv, W0, f);
    expect(k.syscall(drv, 0x34, 4, W0)).toBe(RC.Okay);
    expect(hw.nic.wire).toHaveLength(0);
    expect(hw.uart.line).toHaveLength(0);
    expect(k.syscall(web, 0x35, 0, W0)).toBe(f.length);
    expect(peek(k, web, W0, f.length)).toEqual(f);
  });

  it('IPv4: SLIP-encoded on the serial line; total_length < 20 is InvalidInput', () => {
    const { k, hw } = boot();
    const p = k.spawn();
    const d = [...ipv4Header({ protocol: 17, totalLength: 22, src: IP_A, dst: IP_B }), 0xc0, 0xdb];
    poke(k, p, W0, [...d, 0x55]);
    expect(k.syscall(p, 0x34, 1, W0)).toBe(RC.Okay);
    const esc = d.flatMap((b) => (b === 0xc0 ? [0xdb, 0xdc] : b === 0xdb ? [0xdb, 0xdd] : [b]));
    expect(hw.uart.line.map((x) => x.byte)).toEqual([0xc0, ...esc, 0xc0]);
    expect(hw.nic.wire).toHaveLength(0);
    poke(k, p, W0, ipv4Header({ protocol: 17, totalLength: 19 }));
    expect(k.syscall(p, 0x34, 1, W0)).toBe(RC.InvalidInput);
  });

  it('IPv4: an encoding over the SLIP buffer is silently dropped, the call still says Okay (hazard)', () => {
    const { k, hw } = boot();
    const p = k.spawn();
    const total = 3000;
    poke(k, p, W0, [...ipv4Header({ protocol: 17, totalLength: total }), ...new Array(total - 20).fill(0xc0)]);
    expect(k.syscall(p, 0x34, 1, W0)).toBe(RC.Okay);
    expect(hw.uart.line).toHaveLength(0);
    expect(k.snapshot().hazards['silent-loss']).toBe(1);
  });

  it('IPv4 with src_ip == dst_ip is looped back wrapped in Ethernet (src MAC zero, dst the card MAC)', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const d = [...ipv4Header({ protocol: 1, totalLength: 28, src: IP_A, dst: IP_A }), 8, 0, 0, 0, 0, 1, 0, 1];
    poke(k, drv, W0, d);
    expect(k.syscall(drv, 0x34, 1, W0)).toBe(RC.Okay);
    expect(hw.uart.line).toHaveLength(0);
    expect(hw.nic.wire).toHaveLength(0);
    expect(k.syscall(drv, 0x35, 0, W0 + 0x1000)).toBe(14 + 28);
    const got = peek(k, drv, W0 + 0x1000, 42);
    expect(got.subarray(0, 6)).toEqual(hw.nic.mac);
    expect(got.subarray(6, 12)).toEqual(new Uint8Array(6));
    expect(readU16BE(got, 12)).toBe(0x0800);
    expect(Array.from(got.subarray(14))).toEqual(d);
  });

  it('looped traffic with no driver registered is dropped and accounted', () => {
    const { k, hw } = boot();
    const p = k.spawn();
    poke(k, p, W0, ipv4Header({ protocol: 1, totalLength: 20, src: IP_A, dst: IP_A }));
    expect(k.syscall(p, 0x34, 1, W0)).toBe(RC.Okay);
    expect(hw.uart.line).toHaveLength(0);
    expect(k.snapshot().frames.loopbackNoDriver).toBe(1);
  });

  it('a looped IPv4 datagram too large for NET_FRAME_BUF once wrapped is InvalidInput', () => {
    const { k } = boot();
    const p = withDriver(k);
    poke(k, p, W0, ipv4Header({ protocol: 1, totalLength: L.netFrameBufBytes - 13, src: IP_A, dst: IP_A }));
    expect(k.syscall(p, 0x34, 1, W0)).toBe(RC.InvalidInput);
    poke(k, p, W0, ipv4Header({ protocol: 1, totalLength: L.netFrameBufBytes - 14, src: IP_A, dst: IP_A }));
    expect(k.syscall(p, 0x34, 1, W0)).toBe(RC.Okay);
  });

  it('unknown arg1 is InvalidInput', () => {
    const { k, hw } = boot();
    const p = k.spawn();
    poke(k, p, W0, arpFrame());
    for (const t of [0, 2, 3, 5, 0xff]) expect(k.syscall(p, 0x34, t, W0)).toBe(RC.InvalidInput);
    expect(hw.nic.wire).toHaveLength(0);
  });
});

describe('0x35 receive', () => {
  it('non-blocking on an empty queue returns 0 and touches nothing', () => {
    const { k } = boot();
    const p = k.spawn();
    poke(k, p, W0, [1, 2, 3]);
    expect(k.syscall(p, 0x35, 0, W0)).toBe(0);
    expect(peek(k, p, W0, 3)).toEqual(Uint8Array.from([1, 2, 3]));
  });

  it('copies the frame length for network messages and 512 bytes for IPC messages', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const f = arpFrame();
    k.ledger.wireInjected(hw.nic.inject(f));
    k.tick();
    expect(k.syscall(drv, 0x35, 0, W0)).toBe(f.length);
    expect(peek(k, drv, W0, f.length)).toEqual(f);
    const other = k.spawn();
    poke(k, other, W0, new Array(L.ipcMessageBytes).fill(9));
    k.syscall(other, 0x36, drv, W0);
    expect(k.syscall(drv, 0x35, 0, W0 + 0x100)).toBe(L.ipcMessageBytes);
    expect(peek(k, drv, W0 + 0x100, L.ipcMessageBytes).every((b) => b === 9)).toBe(true);
  });

  it('checks only the start of the buffer: a copy near the window end runs past it (hazard)', () => {
    const { k, hw } = boot();
    const drv = withDriver(k);
    const f = tcpFrame(9, { payload: new Array(200).fill(0x5a) });
    k.ledger.wireInjected(hw.nic.inject(f));
    k.tick();
    k.takeEvents();
    expect(k.syscall(drv, 0x35, 0, WEND)).toBe(f.length);
    expect(peek(k, drv, WEND, f.length)).toEqual(f);
    const h = k.takeEvents().find((e) => e.type === 'hazard');
    expect(h).toMatchObject({
      clause: 'kernel.hazard.unchecked-copy-length',
      event: { pid: drv, syscall: 0x35, direction: 'to-user', addr: WEND, len: f.length, outsideBytes: f.length - 1 },
    });
  });
});

describe('0x36 IPC send', () => {
  it('an unknown target pid is InvalidInput', () => {
    const { k } = boot();
    const p = k.spawn();
    for (const t of [0, 99, L.noPid, -1, 1.5]) expect(k.syscall(p, 0x36, t, W0)).toBe(RC.InvalidInput);
    expect(k.snapshot().ipc.sent).toBe(0);
  });

  it('reads ipcMessageBytes from the user buffer, even past the window end (hazard)', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    k.takeEvents();
    expect(k.syscall(a, 0x36, b, WEND - 9)).toBe(RC.Okay);
    const h = k.takeEvents().find((e) => e.type === 'hazard');
    expect(h).toMatchObject({ event: { hazard: 'unchecked-copy-length', direction: 'from-user', len: L.ipcMessageBytes, outsideBytes: L.ipcMessageBytes - 10 } });
  });

  it('a second send before the first is read overwrites the one IPC buffer (hazard)', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    const c = k.spawn();
    poke(k, a, W0, [0xaa]);
    poke(k, b, W0, [0xbb]);
    k.syscall(a, 0x36, c, W0);
    k.syscall(b, 0x36, c, W0);
    expect(k.syscall(c, 0x35, 0, W0)).toBe(L.ipcMessageBytes);
    expect(peek(k, c, W0, 1)[0]).toBe(0xbb); // a's message carries b's bytes
    const s = k.snapshot();
    expect(s.ipc).toMatchObject({ sent: 2, overwrittenBeforeRead: 1, read: 0, pendingUnread: 1, staleReads: 1 });
    expect(s.hazards['ipc-buffer-overwrite']).toBe(2); // at the overwrite and at the stale read
    expect(k.syscall(c, 0x35, 0, W0)).toBe(L.ipcMessageBytes);
    expect(k.snapshot().ipc).toMatchObject({ read: 1, pendingUnread: 0 });
  });

  it('a send to a full queue is lost silently and still returns Okay', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    for (let i = 0; i < L.messageQueueDepth; i++) k.syscall(a, 0x36, b, W0);
    expect(k.syscall(a, 0x36, b, W0)).toBe(RC.Okay);
    expect(k.snapshot().ipc.lostQueueFull).toBe(1);
    expect(k.snapshot().queueLengths[String(b)]).toBe(L.messageQueueDepth);
  });
});

describe('0x37 register', () => {
  it('0 registers the global driver (idempotent), N binds port N, N > 0xFFFF is InvalidInput', () => {
    const { k } = boot();
    const a = k.spawn();
    const b = k.spawn();
    expect(k.syscall(a, 0x37, 0, 0)).toBe(RC.Okay);
    expect(k.syscall(b, 0x37, 0, 0)).toBe(RC.Okay);
    expect(k.netdrv.NET_DRV_PID).toBe(a);
    expect(k.syscall(b, 0x37, 0xffff, 0)).toBe(RC.Okay);
    expect(k.syscall(b, 0x37, 1, 0)).toBe(RC.Okay);
    for (const n of [0x10000, -1, 1.5, Number.NaN]) expect(k.syscall(b, 0x37, n, 0)).toBe(RC.InvalidInput);
    expect(k.snapshot().registry).toEqual([
      { slot: 0, port: 0xffff, pid: b },
      { slot: 1, port: 1, pid: b },
    ]);
  });

  it('a NIC that cannot be initialised answers NotImplemented', () => {
    const { k } = boot({ initFails: true });
    const a = k.spawn();
    expect(k.syscall(a, 0x37, 0, 0)).toBe(RC.NotImplemented);
    expect(k.snapshot().driverPid).toBe(L.noPid);
  });
});

describe('0x38 NetStatus', () => {
  it('writes mac, ip, drv_active, n_ports and the bound ports (u16 little-endian), 44 bytes', () => {
    const { k, hw } = boot({}, { ip: Uint8Array.from([192, 168, 1, 7]) });
    const a = k.spawn();
    poke(k, a, W0, new Array(60).fill(0xee));
    expect(k.syscall(a, 0x38, W0, 0)).toBe(RC.Okay);
    const before = peek(k, a, W0, L.netStatusBytes);
    expect(Array.from(before.subarray(0, 12))).toEqual([0, 0, 0, 0, 0, 0, 192, 168, 1, 7, 0, 0]);
    k.syscall(a, 0x37, 0, 0);
    k.syscall(a, 0x37, 0x1234, 0);
    k.syscall(a, 0x37, 80, 0);
    expect(k.syscall(a, 0x38, W0, 0)).toBe(RC.Okay);
    const s = peek(k, a, W0, L.netStatusBytes + 1);
    expect(s.subarray(0, 6)).toEqual(hw.nic.mac);
    expect(Array.from(s.subarray(6, 12))).toEqual([192, 168, 1, 7, 1, 2]);
    expect(Array.from(s.subarray(12, 16))).toEqual([0x34, 0x12, 80, 0]);
    expect(s.subarray(16, L.netStatusBytes).every((b) => b === 0)).toBe(true);
    expect(s[L.netStatusBytes]).toBe(0xee); // nothing written past the struct
  });
});
