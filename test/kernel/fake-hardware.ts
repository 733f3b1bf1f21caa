// A small stand-in for src/hw + src/drivers, implementing src/hw/api.ts just enough for kernel
// unit tests: an RX FIFO with a frame-count capacity, a receiver that is off until the driver's
// init, the documented driver drop rule (< 14 or > the caller's buffer), 60-byte TX padding over
// 4 round-robin descriptors, and a SLIP path with a 4 KiB encode limit. Its receive_frame hands
// a frame back exactly as injected (the real driver appends the CRC: test/kernel/machine.test.ts).
import type { PortIo } from '../../src/hw/bus.ts';
import type { Hardware, InjectOutcome, LineByte, NicDriver, NicOutside, SerialNet, UartOutside, VirtualClock, WireFrame } from '../../src/hw/api.ts';
import { err, ok } from '../../src/util/result.ts';
import type { Result } from '../../src/util/result.ts';

export interface FakeOptions {
  mac?: Uint8Array;
  /** Frames the RX FIFO holds before it reports ring-full. */
  ringFrames?: number;
  /** Largest frame the NIC accepts from the wire (the driver may still drop it). */
  maxAccept?: number;
  /** Receiver enabled from power-on (the real device is not). */
  rxEnabledAtReset?: boolean;
  /** Make init() fail. */
  initFails?: boolean;
}

export interface FakeHardware extends Hardware {
  fake: {
    ring: Uint8Array[];
    rxEnabled: boolean;
    initCalls: number;
    receiveCalls: number;
    serialInitCalls: number;
    fed: number[];
  };
}

const SLIP_END = 0xc0;
const SLIP_ESC = 0xdb;

function slipEncode(d: Uint8Array): Uint8Array {
  const out: number[] = [SLIP_END];
  for (const b of d) {
    if (b === SLIP_END) out.push(SLIP_ESC, 0xdc);
    else if (b === SLIP_ESC) out.push(SLIP_ESC, 0xdd);
    else out.push(b);
  }
  out.push(SLIP_END);
  return Uint8Array.from(out);
}

export function createFakeHardware(opts: FakeOptions = {}): FakeHardware {
  const mac = opts.mac ?? Uint8Array.from([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
  const ringFrames = opts.ringFrames ?? 4;
  const maxAccept = opts.maxAccept ?? 4000;
  let t = 0;
  const clock: VirtualClock = { now: () => t, advance: (s) => void (t += s) };
  const wire: WireFrame[] = [];
  const line: LineByte[] = [];
  const state: FakeHardware['fake'] = {
    ring: [],
    rxEnabled: opts.rxEnabledAtReset ?? false,
    initCalls: 0,
    receiveCalls: 0,
    serialInitCalls: 0,
    fed: [],
  };
  let txIndex = 0;

  const nic: NicOutside = {
    inject(frame: Uint8Array): InjectOutcome {
      if (!state.rxEnabled) return { accepted: false, reason: 'rx-disabled' };
      if (frame.length === 0) return { accepted: false, reason: 'too-small' };
      if (frame.length > maxAccept) return { accepted: false, reason: 'too-large' };
      if (state.ring.length >= ringFrames) return { accepted: false, reason: 'ring-full' };
      state.ring.push(frame.slice());
      return { accepted: true, offset: 0 };
    },
    wire,
    registers: () => ({ TXINDEX: txIndex }),
    mac,
  };

  const nicDriver: NicDriver = {
    init(): Result<{ ioBase: number }> {
      state.initCalls++;
      if (opts.initFails) return err('device', 'fake.init', 'no RTL8139 on the bus');
      state.ring = []; // the reset empties the ring
      state.rxEnabled = true;
      return ok({ ioBase: 0xc000 });
    },
    readMacAddr: () => mac.slice(),
    receiveFrame(into: Uint8Array): number {
      state.receiveCalls++;
      const f = state.ring.shift();
      if (!f) return 0;
      if (f.length < 14 || f.length > into.length) return 0; // dropped, ring keeps flowing
      into.set(f);
      return f.length;
    },
    sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
      if (len > 2048) return err('too-large', 'fake.send_frame', 'Frame too large');
      const sendLen = Math.max(len, 60);
      const bytes = new Uint8Array(sendLen);
      bytes.set(data.subarray(0, len));
      const descriptor = txIndex;
      wire.push({ descriptor, tsad: 0x1000 * (descriptor + 1), tsd: sendLen, bytes });
      txIndex = (txIndex + 1) % 4;
      return ok({ descriptor, sendLen });
    },
    get txIndex() {
      return txIndex;
    },
  };

  const uart: UartOutside = {
    line,
    feed: (bytes) => void state.fed.push(...bytes),
    registers: () => ({}),
  };

  const serialNet: SerialNet = {
    init: () => void state.serialInitCalls++,
    sendPacket(datagram: Uint8Array): Result<{ encodedBytes: number }> {
      const enc = slipEncode(datagram);
      if (enc.length > 4096) return err('too-large', 'fake.slip', 'encoding exceeds the SLIP buffer');
      for (const byte of enc) line.push({ byte, time: t });
      return ok({ encodedBytes: enc.length });
    },
    pollReceive: () => [],
  };

  // No devices behind the bus: every port floats high, writes go nowhere; memory reads as zero.
  const bus: PortIo = { inb: () => 0xff, inw: () => 0xffff, inl: () => 0xffffffff, outb: () => {}, outw: () => {}, outl: () => {} };
  const memory = { read: (_addr: number, length: number) => new Uint8Array(length) };
  return { clock, nic, uart, nicDriver, serialNet, bus, memory, fake: state };
}
