import { describe, expect, it } from 'vitest';
import { createHardware, type Machine } from '../../src/hw/index.ts';
import { recordAccesses } from '../io-record.ts';
import { IoBus } from '../../src/hw/bus.ts';
import { GuestMemory, dmaLayout } from '../../src/hw/memory.ts';
import { PciFunction, PciHost } from '../../src/hw/pci.ts';
import { crc32 } from '../../src/hw/crc32.ts';
import { Rtl8139Driver, RESET_POLL_LIMIT } from '../../src/drivers/rtl8139.ts';
import { seedProfile } from '../../src/spec/profile.ts';
import { withFcs } from '../../properties/oracles.ts';

const profile = seedProfile();
const L = profile.limits;
const frameOf = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

function booted(opts: Parameters<typeof createHardware>[1] = {}): Machine {
  const m = createHardware(profile, opts);
  const r = m.nicDriver.init();
  expect(r.ok).toBe(true);
  return m;
}

describe('rtl8139 driver: discovery and init', () => {
  it('finds the card by scanning PCI, enables bus mastering, and writes the documented sequence in order', () => {
    const m = createHardware(profile, { nicPci: { bus: 2, dev: 7, fn: 1 }, nicIoBase: 0xd000 });
    const rec = recordAccesses(m.bus);
    const r = m.nicDriver.init();
    rec.stop();
    expect(r).toEqual({ ok: true, value: { ioBase: 0xd000 } });
    expect(m.nicPciFunction?.busMaster()).toBe(true);
    expect(m.nicPciFunction?.ioBase()).toBe(0xd000); // I/O decoding kept on (read-modify-write)

    // The scan visited every function in bus/dev/fn order up to the card.
    const probes = rec.log.filter((a) => a.dir === 'out' && a.port === 0xcf8 && (a.value & 0xff) === 0).map((a) => a.value);
    expect(probes[0]).toBe(0x80000000);
    expect(probes).toContain((0x80000000 | (1 << 16) | (31 << 11) | (7 << 8)) >>> 0);

    const nicWrites = rec.log
      .filter((a) => a.dir === 'out' && a.port >= 0xd000 && a.port < 0xd100)
      .map((a) => [a.port - 0xd000, a.width, a.value]);
    expect(nicWrites).toEqual([
      [0x52, 1, 0x00], // CONFIG1 ← 0
      [0x37, 1, 0x10], // CR ← RST
      [0x30, 4, m.layout.rxRing], // RBSTART ← ring
      [0x37, 1, 0x0c], // CR ← RE | TE
      [0x44, 4, 0x8f], // RCR ← 0x0F | WRAP
      [0x3c, 2, 0x0005], // IMR ← ROK | TOK
    ]);
    // Bus mastering comes before the first NIC register write; the RST poll between reset and RBSTART.
    const idx = (p: (a: (typeof rec.log)[number]) => boolean) => rec.log.findIndex(p);
    const bm = idx((a) => a.dir === 'out' && a.port === 0xcfc && ((a.value & 0x4) !== 0));
    const cfg1 = idx((a) => a.dir === 'out' && a.port === 0xd052);
    const rst = idx((a) => a.dir === 'out' && a.port === 0xd037);
    const poll = idx((a) => a.dir === 'in' && a.port === 0xd037);
    const rb = idx((a) => a.dir === 'out' && a.port === 0xd030);
    expect(bm).toBeGreaterThan(-1);
    expect(bm).toBeLessThan(cfg1);
    expect(rst).toBeLessThan(poll);
    expect(poll).toBeLessThan(rb);
    expect(m.nic.registers()).toMatchObject({ CR: 0x0d, RCR: 0x8f, IMR: 5, CONFIG1: 0x0c, RBSTART: m.layout.rxRing }); // CONFIG1: IOMAP, MEMMAP read-only, set
  });

  it('polls CR until RST clears', () => {
    const m = createHardware(profile, { rstBusyReads: 5 });
    const rec = recordAccesses(m.bus);
    expect(m.nicDriver.init().ok).toBe(true);
    expect(rec.log.filter((a) => a.dir === 'in' && a.port === 0xc037)).toHaveLength(6);
  });

  it('falls back to 0xC000 when no function matches, and works there', () => {
    const m = booted({ nicPci: null, nicIoBase: profile.defaults.nicIoFallback });
    expect(m.nicDriver.base).toBe(0xc000);
    expect(m.nic.registers()['RCR']).toBe(0x8f);
    m.nic.inject(frameOf(60));
    expect(m.nicDriver.receiveFrame(new Uint8Array(2048))).toBe(64); // 60 + CRC
  });

  it('skips a matching function whose BAR0 is not an I/O BAR', () => {
    const bus = new IoBus();
    const host = new PciHost();
    bus.map(host, 0xcf8, 8);
    const memBar = new PciFunction();
    memBar.set(0, 2, 0x10ec);
    memBar.set(2, 2, 0x8139);
    memBar.set(0x10, 4, 0xfebf0000); // memory BAR: bit 0 clear
    host.attach({ bus: 0, dev: 4, fn: 0 }, memBar);
    const drv = new Rtl8139Driver(bus, new GuestMemory(), dmaLayout(profile), profile);
    expect(drv.findIoBase()).toEqual({ ioBase: 0xc000, at: undefined });
  });

  it('returns an error instead of spinning forever when no chip answers', () => {
    const m = createHardware(profile, { nicPresent: false });
    const r = m.nicDriver.init();
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ kind: 'device', where: 'rtl8139.init' });
    expect(RESET_POLL_LIMIT).toBeGreaterThan(1000);
  });

  it('reads the MAC from IDR0–5', () => {
    const mac = Uint8Array.of(0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee);
    const m = booted({ mac });
    expect(m.nicDriver.readMacAddr()).toEqual(mac);
    expect(m.nic.mac).toEqual(mac);
    expect(createHardware().nicDriver.readMacAddr()).toEqual(new Uint8Array(6)); // before init
    expect(booted().nicDriver.readMacAddr()).toEqual(Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56));
  });
});

describe('rtl8139 driver: receive_frame', () => {
  it('returns 0 on an empty ring without touching ISR, and before init', () => {
    const m = booted();
    const rec = recordAccesses(m.bus);
    expect(m.nicDriver.receiveFrame(new Uint8Array(2048))).toBe(0);
    expect(rec.log.filter((a) => a.dir === 'out')).toHaveLength(0);
    expect(createHardware().nicDriver.receiveFrame(new Uint8Array(2048))).toBe(0);
  });

  it('hands a 60-byte frame back as 64 bytes: the frame, then its CRC-32 least significant byte first', () => {
    const m = booted();
    const f = frameOf(60, 3);
    m.nic.inject(f);
    const into = new Uint8Array(L.rxCallerBufferBytes);
    expect(m.nicDriver.receiveFrame(into)).toBe(64);
    expect(into.subarray(0, 60)).toEqual(f);
    const fcs = crc32(f);
    expect(into.subarray(60, 64)).toEqual(Uint8Array.of(fcs & 0xff, (fcs >>> 8) & 0xff, (fcs >>> 16) & 0xff, fcs >>> 24));
    expect(into.subarray(0, 64)).toEqual(withFcs(f)); // and the suite's independent CRC oracle agrees
  });

  it('delivers frames intact and in order, each with its CRC, acknowledging ROK and writing CAPR = RX_OFFSET − 16', () => {
    const m = booted();
    const frames = [frameOf(60, 1), frameOf(14, 2), frameOf(1514, 3), frameOf(333, 4)];
    for (const f of frames) expect(m.nic.inject(f).accepted).toBe(true);
    let rxOffset = 0;
    for (const f of frames) {
      const into = new Uint8Array(L.rxCallerBufferBytes);
      const n = m.nicDriver.receiveFrame(into);
      expect(n).toBe(f.length + 4);
      expect(into.subarray(0, n)).toEqual(withFcs(f));
      rxOffset = (rxOffset + f.length + 8 + 3) & ~3;
      expect(m.nicDriver.rxOffset).toBe(rxOffset);
      expect(m.nic.registers()['CAPR']).toBe((rxOffset - 16) & 0xffff);
      expect(m.nic.registers()['ISR']! & 0x01).toBe(0);
    }
    expect(m.nicDriver.receiveFrame(new Uint8Array(2048))).toBe(0);
  });

  it('drops frames whose length with the CRC is under 14 bytes or over the caller buffer and keeps the ring flowing', () => {
    const m = booted();
    const into = new Uint8Array(100);
    // Copied lengths (frame + CRC): 13, 64, 101, 100, 5, 14, 17.
    const seq = [frameOf(9), frameOf(60, 5), frameOf(97), frameOf(96, 6), frameOf(1), frameOf(10, 7), frameOf(13, 8)];
    for (const f of seq) m.nic.inject(f);
    const got = seq.map(() => m.nicDriver.receiveFrame(into));
    expect(got).toEqual([0, 64, 0, 100, 0, 14, 17]);
    expect(m.nicDriver.dropped).toBe(3);
    expect(m.nic.registers()['CR']! & 0x01).toBe(0x01); // ring empty: everything consumed
  });

  it('drops a frame that with its CRC exceeds the 2 KiB kernel buffer (device accepts up to 4 KiB)', () => {
    const m = booted();
    m.nic.inject(frameOf(L.netFrameBufBytes - 3)); // 2049 bytes with the CRC
    m.nic.inject(frameOf(L.netFrameBufBytes - 4, 9)); // exactly 2048 with the CRC
    const buf = new Uint8Array(L.netFrameBufBytes);
    expect(m.nicDriver.receiveFrame(buf)).toBe(0);
    expect(m.nicDriver.receiveFrame(buf)).toBe(L.netFrameBufBytes);
    expect(buf).toEqual(withFcs(frameOf(L.netFrameBufBytes - 4, 9)));
  });

  it('delivers frames across many ring wraps intact, including frames that cross the ring end', () => {
    const m = booted();
    const into = new Uint8Array(2048);
    let crossed = 0;
    for (let i = 0; i < 60; i++) {
      const f = frameOf(14 + ((i * 397) % 1501), i);
      const o = m.nic.inject(f);
      expect(o.accepted).toBe(true);
      if (o.accepted && o.offset + f.length + 8 > L.rxRingBytes) crossed++;
      const n = m.nicDriver.receiveFrame(into);
      expect(n).toBe(f.length + 4);
      expect(into.subarray(0, n)).toEqual(withFcs(f));
    }
    expect(crossed).toBeGreaterThan(2);
  });

  it('when the ring is full the frame is not written, MPC counts it, and earlier frames still come out intact', () => {
    const m = booted();
    const accepted: Uint8Array[] = [];
    let refused = 0;
    for (let i = 0; i < 12; i++) {
      const f = frameOf(1000, i);
      if (m.nic.inject(f).accepted) accepted.push(f);
      else refused++;
    }
    expect(refused).toBeGreaterThan(0);
    expect(m.nic.registers()['MPC']).toBe(refused);
    expect(m.nic.registers()['ISR']! & 0x10).toBe(0x10);
    const into = new Uint8Array(2048);
    for (const f of accepted) {
      const n = m.nicDriver.receiveFrame(into);
      expect(into.subarray(0, n)).toEqual(withFcs(f));
    }
    expect(m.nicDriver.receiveFrame(into)).toBe(0);
  });

  it('HAZARD: a maximum-size frame whose header starts in the last dword of the ring overruns the 1500-byte guard by 2 bytes', () => {
    const m = booted();
    const into = new Uint8Array(4096);
    // Consume frames until the device's write offset is 8188 (= 3 × 2008 + 2164).
    for (const n of [2000, 2000, 2000, 2156]) {
      m.nic.inject(frameOf(n));
      m.nicDriver.receiveFrame(into);
    }
    expect(m.nic.registers()['CBR']).toBe(L.rxRingBytes - 4);
    const f = frameOf(L.maxEthernetFrame, 42);
    expect(m.nic.inject(f)).toEqual({ accepted: true, offset: L.rxRingBytes - 4 });
    const allocEnd = m.layout.rxRing + m.layout.rxAllocBytes;
    const fcs = crc32(f);
    // The last two CRC bytes land just past RX_BUFFER's allocation.
    expect(m.memory.read(allocEnd, 2)).toEqual(Uint8Array.of((fcs >>> 16) & 0xff, fcs >>> 24));
    expect(m.nicDriver.receiveFrame(into)).toBe(L.maxEthernetFrame + 4); // the driver itself is unaffected
    expect(into.subarray(0, L.maxEthernetFrame + 4)).toEqual(withFcs(f));
  });
});

describe('rtl8139 driver: send_frame', () => {
  it('zero-pads to 60 bytes in its own buffer and starts the DMA through TSAD/TSD', () => {
    const m = booted();
    const r = m.nicDriver.sendFrame(frameOf(20), 20);
    expect(r).toEqual({ ok: true, value: { descriptor: 0, sendLen: 60 } });
    const w = m.nic.wire[0];
    expect(w?.tsad).toBe(m.layout.txBuffers[0]);
    expect(w?.tsd).toBe(60);
    expect(w?.bytes.subarray(0, 20)).toEqual(frameOf(20));
    expect(w?.bytes.subarray(20)).toEqual(new Uint8Array(40));
  });

  it('never leaks stale bytes from an earlier, longer frame into the padding', () => {
    const m = booted();
    for (let i = 0; i < 4; i++) m.nicDriver.sendFrame(new Uint8Array(1500).fill(0xaa), 1500);
    for (let i = 0; i < 4; i++) m.nicDriver.sendFrame(Uint8Array.of(1, 2, 3), 3);
    for (const w of m.nic.wire.slice(4)) {
      expect(w.bytes).toHaveLength(60);
      expect(Array.from(w.bytes.subarray(3)).every((b) => b === 0)).toBe(true);
    }
  });

  it('sends only len bytes of a longer buffer, and frames over 60 unpadded', () => {
    const m = booted();
    m.nicDriver.sendFrame(frameOf(500), 100);
    expect(m.nic.wire[0]?.bytes).toEqual(frameOf(100));
  });

  it('uses descriptor k mod 4 for the k-th frame, each with its own buffer', () => {
    const m = booted();
    for (let k = 0; k < 10; k++) {
      const r = m.nicDriver.sendFrame(frameOf(64, k), 64);
      expect(r.ok && r.value.descriptor).toBe(k % L.txDescriptors);
      expect(m.nicDriver.txIndex).toBe((k + 1) % L.txDescriptors);
    }
    expect(m.nic.wire.map((w) => w.descriptor)).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 0, 1]);
    for (const w of m.nic.wire) expect(w.tsad).toBe(m.layout.txBuffers[w.descriptor]);
    expect(new Set(m.layout.txBuffers).size).toBe(L.txDescriptors);
    m.nic.wire.forEach((w, k) => expect(w.bytes).toEqual(frameOf(64, k)));
  });

  it('refuses a frame over 2 KiB: "Frame too large", nothing on the wire, TX_INDEX unchanged', () => {
    const m = booted();
    m.nicDriver.sendFrame(frameOf(60), 60);
    const r = m.nicDriver.sendFrame(frameOf(L.txBufferBytes + 1), L.txBufferBytes + 1);
    expect(r).toEqual({ ok: false, error: { kind: 'too-large', where: 'rtl8139.send_frame', message: 'Frame too large' } });
    expect(m.nic.wire).toHaveLength(1);
    expect(m.nicDriver.txIndex).toBe(1);
    expect(m.nicDriver.sendFrame(frameOf(L.txBufferBytes), L.txBufferBytes).ok).toBe(true);
    expect(m.nic.wire[1]?.bytes).toHaveLength(L.txBufferBytes);
  });

  it('refuses a length beyond the data, or not a non-negative integer, as invalid-argument', () => {
    const m = booted();
    for (const len of [61, -1, 1.5, Number.NaN]) {
      const r = m.nicDriver.sendFrame(frameOf(60), len);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.kind).toBe('invalid-argument');
    }
    expect(m.nic.wire).toHaveLength(0);
    expect(m.nicDriver.txIndex).toBe(0);
    expect(m.nicDriver.sendFrame(new Uint8Array(0), 0).ok).toBe(true); // empty → 60 zero bytes
    expect(m.nic.wire[0]?.bytes).toEqual(new Uint8Array(60));
  });

  it('refuses to send before init', () => {
    const r = createHardware().nicDriver.sendFrame(frameOf(60), 60);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('device');
  });

  it('re-init resets the chip and restarts TX_INDEX and RX_OFFSET at 0 with it', () => {
    const m = booted();
    m.nicDriver.sendFrame(frameOf(60), 60);
    m.nic.inject(frameOf(60));
    m.nicDriver.receiveFrame(new Uint8Array(2048));
    expect(m.nicDriver.init().ok).toBe(true);
    expect(m.nicDriver.txIndex).toBe(0);
    expect(m.nicDriver.rxOffset).toBe(0);
    m.nicDriver.sendFrame(frameOf(60, 3), 60);
    expect(m.nic.wire.map((w) => w.descriptor)).toEqual([0, 0]);
    m.nic.inject(frameOf(70, 4));
    const into = new Uint8Array(2048);
    expect(m.nicDriver.receiveFrame(into)).toBe(74); // 70 + CRC
  });
});
