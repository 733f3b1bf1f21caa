// Deliberately wrong RTL8139 chips and drivers: each a small subclass of (or wrapper around) the
// reference class with one documented rule broken, run through the real `nic` executor.
import type { Mutant } from './mutant.ts';
import type { NicDriverParts } from '../../src/hw/index.ts';
import type { InjectOutcome } from '../../src/hw/api.ts';
import type { PortIo } from '../../src/hw/bus.ts';
import { Rtl8139, type Rtl8139Options } from '../../src/hw/rtl8139.ts';
import { CR, CRC_BYTES, ISR, RCR, REG, RX_HEADER_BYTES } from '../../src/hw/rtl8139-regs.ts';
import type { Width } from '../../src/hw/bus.ts';
import { PCI_CFG } from '../../src/hw/pci.ts';
import { Rtl8139Driver, RESET_POLL_LIMIT, type PciFound } from '../../src/drivers/rtl8139.ts';
import { nicExecutor } from '../../src/iut/layers/nic.ts';
import { err, ok, type Result } from '../../src/util/result.ts';

const driverOf = (make: new (...a: ConstructorParameters<typeof Rtl8139Driver>) => Rtl8139Driver) => (m: NicDriverParts) => new make(m.bus, m.memory, m.layout, m.profile);
const chip = (make: new (o: Rtl8139Options) => Rtl8139) => (o: Rtl8139Options) => new make(o);

// ------------------------------------------------------------------ drivers

/** TX_INDEX never advances: every frame goes to descriptor 0. */
class StuckTxIndex extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    const r = super.sendFrame(data, len);
    this.TX_INDEX = 0;
    return r;
  }
}

/** receive_frame writes CAPR before it copies the frame (the chip may write over it meanwhile). */
class CaprBeforeCopy extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const io = this.ioBase;
    const ring = this.profile.limits.rxRingBytes;
    if (io === undefined || ((this.io.inw(io + REG.CAPR) + 16) & 0xffff) === this.io.inw(io + REG.CBR)) return super.receiveFrame(into);
    this.io.outw(io + REG.ISR, ISR.ROK);
    const at = this.layout.rxRing + (this.RX_OFFSET % ring);
    const length = this.memory.readU16LE(at + 2);
    this.RX_OFFSET = (this.RX_OFFSET + length + RX_HEADER_BYTES + 3) % ring & ~3;
    this.io.outw(io + REG.CAPR, (this.RX_OFFSET - 16) & 0xffff);
    if (length < this.profile.limits.minRxFrame || length > into.length) return 0;
    this.memory.readInto(at + RX_HEADER_BYTES, length, into);
    return length;
  }
}

/** Pads short frames to 64 bytes (the minimum with the FCS) instead of 60. */
class PadTo64 extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    if (!Number.isSafeInteger(len) || len < 0 || len >= 64 || len > data.length) return super.sendFrame(data, len);
    const padded = new Uint8Array(64);
    padded.set(data.subarray(0, len));
    return super.sendFrame(padded, 64);
  }
}

/** Sends max(len, 60) bytes without zeroing the padding: stale bytes of an earlier frame leak. */
class PadWithoutZeroFill extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
    const io = this.ioBase;
    const l = this.profile.limits;
    if (io === undefined || !Number.isSafeInteger(len) || len < 0 || len > data.length) return super.sendFrame(data, len);
    const sendLen = Math.max(len, l.minEthernetFrame);
    if (sendLen > l.txBufferBytes) return super.sendFrame(data, len);
    const i = this.TX_INDEX;
    const buf = this.layout.txBuffers[i]!;
    this.memory.write(buf, data.subarray(0, len));
    this.io.outl(io + REG.TSAD0 + 4 * i, buf);
    this.io.outl(io + REG.TSD0 + 4 * i, sendLen);
    this.TX_INDEX = (i + 1) % l.txDescriptors;
    return ok({ descriptor: i, sendLen });
  }
}

/** Refuses a frame of exactly 2 KiB: the limit checked with >= instead of >. */
class LimitOffByOne extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    if (Math.max(len, this.profile.limits.minEthernetFrame) === this.profile.limits.txBufferBytes) return err('too-large', 'rtl8139.send_frame', 'Frame too large');
    return super.sendFrame(data, len);
  }
}

/** Accepts a 2049-byte frame: the limit checked as send_len > 2049 (and the byte past the buffer written anyway). */
class AcceptsOneOverLimit extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
    const io = this.ioBase;
    const l = this.profile.limits;
    if (io === undefined || len !== l.txBufferBytes + 1 || len > data.length) return super.sendFrame(data, len);
    const i = this.TX_INDEX;
    const buf = this.layout.txBuffers[i]!;
    this.memory.write(buf, data.subarray(0, len));
    this.io.outl(io + REG.TSAD0 + 4 * i, buf);
    this.io.outl(io + REG.TSD0 + 4 * i, len);
    this.TX_INDEX = (i + 1) % l.txDescriptors;
    return ok({ descriptor: i, sendLen: len });
  }
}

/**
 * Zeroes "the rest of the buffer" with the buffer's whole size instead of what is left of it
 * (memset(buf + len, 0, 2048)): every send runs len bytes past TX_BUFFERS[i].
 */
const padClearsPastBuffer = (m: NicDriverParts): Rtl8139Driver => {
  const memory = new Proxy(m.memory, {
    get(target, key) {
      if (key === 'fill') return (addr: number, _length: number, value?: number) => target.fill(addr, m.profile.limits.txBufferBytes, value);
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return new Rtl8139Driver(m.bus, memory, m.layout, m.profile);
};

/** Copies the frame into TX_BUFFERS[TX_INDEX] before the size check: a refused 3 KiB frame still overruns the buffer. */
class CopiesBeforeSizeCheck extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
    const buf = this.layout.txBuffers[this.TX_INDEX];
    if (this.ioBase !== undefined && buf !== undefined && Number.isSafeInteger(len) && len >= 0 && len <= data.length) this.memory.write(buf, data.subarray(0, len));
    return super.sendFrame(data, len);
  }
}

/** All four descriptors transmit from TX_BUFFERS[0]. */
const sharedTxBuffer = (m: NicDriverParts): Rtl8139Driver => new Rtl8139Driver(m.bus, m.memory, { ...m.layout, txBuffers: m.layout.txBuffers.map(() => m.layout.txBuffers[0]!) }, m.profile);

/** receive_frame as r2's code has it: a dropped frame returns without advancing (the ring stalls). */
class DropStallsRing extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const io = this.ioBase;
    if (io === undefined) return 0;
    const at = this.layout.rxRing + (this.RX_OFFSET % this.profile.limits.rxRingBytes);
    const length = this.memory.readU16LE(at + 2);
    const empty = ((this.io.inw(io + REG.CAPR) + 16) & 0xffff) === this.io.inw(io + REG.CBR);
    if (!empty && (length < this.profile.limits.minRxFrame || length > into.length)) return 0;
    return super.receiveFrame(into);
  }
}

/** Advances RX_OFFSET by length + 4 without rounding up to the next dword. */
class NoAlign extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const io = this.ioBase;
    if (io === undefined) return 0;
    const ring = this.profile.limits.rxRingBytes;
    if (((this.io.inw(io + REG.CAPR) + 16) & 0xffff) === this.io.inw(io + REG.CBR)) return 0;
    this.io.outw(io + REG.ISR, ISR.ROK);
    const at = this.layout.rxRing + (this.RX_OFFSET % ring);
    const length = this.memory.readU16LE(at + 2);
    this.RX_OFFSET = (this.RX_OFFSET + length + 4) % ring;
    this.io.outw(io + REG.CAPR, (this.RX_OFFSET - 16) & 0xffff);
    if (length < this.profile.limits.minRxFrame || length > into.length) return 0;
    into.set(this.memory.read(at + 4, length));
    return length;
  }
}

/** receive_frame handing back length − 4 bytes: the frame without its CRC (the suite's old decision). */
class DeliverStripsCrc extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const withCrc = new Uint8Array(into.length + 4);
    const n = super.receiveFrame(withCrc) - 4;
    if (n < this.profile.limits.minRxFrame) return 0;
    into.set(withCrc.subarray(0, n));
    return n;
  }
}

/** Writes CAPR = RX_OFFSET (forgetting the chip's 16-byte offset). */
class CaprWithoutMinus16 extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const before = this.RX_OFFSET;
    const n = super.receiveFrame(into);
    if (this.RX_OFFSET !== before && this.ioBase !== undefined) this.io.outw(this.ioBase + REG.CAPR, this.RX_OFFSET & 0xffff);
    return n;
  }
}

/** Never acknowledges ROK: the driver's ISR writes are lost on their way to the port. */
const noRokAck = (m: NicDriverParts): Rtl8139Driver => {
  const io: PortIo = {
    inb: m.bus.inb,
    inw: m.bus.inw,
    inl: m.bus.inl,
    outb: m.bus.outb,
    outw: (port, value) => {
      if ((port & 0xff) !== REG.ISR) m.bus.outw(port, value);
    },
    outl: m.bus.outl,
  };
  return new Rtl8139Driver(io, m.memory, m.layout, m.profile);
};

/** Reads the MAC from IDR5 down to IDR0. */
class MacReversed extends Rtl8139Driver {
  override readMacAddr(): Uint8Array {
    return super.readMacAddr().reverse();
  }
}

/** Forgets to enable PCI bus mastering: the chip's DMA reaches no memory. */
class NoBusMastering extends Rtl8139Driver {
  protected override enableBusMastering(): void {}
}

/** Scans bus 0 only, so a card on any other bus is never found. */
class ScansBusZeroOnly extends Rtl8139Driver {
  override findIoBase(): PciFound {
    const want = ((this.profile.defaults.pciDevice << 16) | this.profile.defaults.pciVendor) >>> 0;
    for (let dev = 0; dev < 32; dev++) {
      for (let fn = 0; fn < 8; fn++) {
        const at = { bus: 0, dev, fn };
        if (this.configRead(at, PCI_CFG.VENDOR) !== want) continue;
        const bar0 = this.configRead(at, PCI_CFG.BAR0);
        if (bar0 & 1) return { ioBase: bar0 & 0xfffc, at };
      }
    }
    return { ioBase: this.profile.defaults.nicIoFallback, at: undefined };
  }
}

/** A driver init with its own order (and options to skip the reset poll). */
abstract class ReorderedInit extends Rtl8139Driver {
  protected abstract poll: boolean;
  protected abstract rcrBeforeEnable: boolean;
  override init(): Result<{ ioBase: number }> {
    const found = this.findIoBase();
    const io = found.ioBase;
    if (found.at) this.enableBusMastering(found.at);
    this.io.outb(io + REG.CONFIG1, 0);
    this.io.outb(io + REG.CR, CR.RST);
    for (let polls = 0; this.poll && this.io.inb(io + REG.CR) & CR.RST; polls++) if (polls >= RESET_POLL_LIMIT) return err('device', 'rtl8139.init', 'reset stuck');
    this.io.outl(io + REG.RBSTART, this.layout.rxRing);
    const rcr = (): void => this.io.outl(io + REG.RCR, RCR.AAP | RCR.APM | RCR.AM | RCR.AB | RCR.WRAP);
    if (this.rcrBeforeEnable) rcr();
    this.io.outb(io + REG.CR, CR.RE | CR.TE);
    if (!this.rcrBeforeEnable) rcr();
    this.io.outw(io + REG.IMR, ISR.ROK | ISR.TOK);
    this.RX_OFFSET = 0;
    this.TX_INDEX = 0;
    this.ioBase = io;
    return ok({ ioBase: io });
  }
}
class RcrBeforeEnable extends ReorderedInit {
  protected poll = true;
  protected rcrBeforeEnable = true;
}
class NoResetPoll extends ReorderedInit {
  protected poll = false;
  protected rcrBeforeEnable = false;
}

/** A second init resets RX_OFFSET but keeps TX_INDEX (r2's code: only the TX half of the re-init is off). */
class ReinitKeepsTxIndex extends Rtl8139Driver {
  override init() {
    const tx = this.TX_INDEX;
    const r = super.init();
    this.TX_INDEX = tx;
    return r;
  }
}

/** Before init, sends (and polls) at the fallback I/O base, as a driver with IO_BASE defaulting to 0xC000 would. */
class UsesFallbackBeforeInit extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    if (this.ioBase === undefined) this.ioBase = this.profile.defaults.nicIoFallback;
    return super.sendFrame(data, len);
  }
}

/** A second init keeps the old RX_OFFSET and TX_INDEX while the chip restarts at 0. */
class ReinitKeepsIndices extends Rtl8139Driver {
  override init() {
    const rx = this.RX_OFFSET;
    const tx = this.TX_INDEX;
    const r = super.init();
    this.RX_OFFSET = rx;
    this.TX_INDEX = tx;
    return r;
  }
}

/**
 * Reads the frame after the header at (RX_OFFSET + 4) mod ring, as if the body wrapped to the
 * ring start: wrong only when the header sits in the ring's last dword (WRAP put the body past the end).
 */
class BodyOffsetWrapped extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const ring = this.profile.limits.rxRingBytes;
    const at = this.RX_OFFSET % ring;
    const n = super.receiveFrame(into);
    if (n > 0 && at + RX_HEADER_BYTES >= ring) into.set(this.memory.read(this.layout.rxRing + ((at + RX_HEADER_BYTES) % ring), n));
    return n;
  }
}

/** Keeps CAPR inside the ring: (RX_OFFSET - 16) mod ring, not mod 2^16 (0x1FF0 where the chip expects 0xFFF0). */
class CaprModuloRing extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const before = this.RX_OFFSET;
    const n = super.receiveFrame(into);
    const ring = this.profile.limits.rxRingBytes;
    if (this.RX_OFFSET !== before && this.ioBase !== undefined) this.io.outw(this.ioBase + REG.CAPR, (this.RX_OFFSET + ring - 16) % ring);
    return n;
  }
}

// ------------------------------------------------------------------ chips

/** A reset keeps IDR0-5 as software last wrote them instead of reloading the EEPROM's address (power-on still loads it). */
class ResetKeepsIdr extends Rtl8139 {
  // `declare`: no field initialiser, which would run after the constructor's power-on reset.
  declare private poweredOn: boolean | undefined;
  override reset(): void {
    const written = this.poweredOn ? this.idr : undefined;
    super.reset();
    if (written) this.idr = written;
    this.poweredOn = true;
  }
}

/** Splits a frame at the ring end even with RCR.WRAP set. */
class WrapIgnored extends Rtl8139 {
  override inject(frame: Uint8Array) {
    const rcr = this.rcr;
    this.rcr &= ~RCR.WRAP;
    const o = super.inject(frame);
    this.rcr = rcr;
    return o;
  }
}

/** Refuses frames on a full ring but never counts them in MPC. */
class MpcNotCounted extends Rtl8139 {
  override inject(frame: Uint8Array) {
    const mpc = this.mpc;
    const o = super.inject(frame);
    this.mpc = mpc;
    return o;
  }
}

/** Writes the frame length without the 4 CRC bytes into the ring header. */
class LengthWithoutCrc extends Rtl8139 {
  override inject(frame: Uint8Array) {
    const o = super.inject(frame);
    if (o.accepted) this.dmaWrite(this.rbstart + o.offset + 2, Uint8Array.of(frame.length & 0xff, frame.length >>> 8));
    return o;
  }
}

/** Stores the CRC most significant byte first. */
class CrcBigEndian extends Rtl8139 {
  override inject(frame: Uint8Array) {
    const o = super.inject(frame);
    if (!o.accepted) return o;
    const size = this.ringSize();
    const pos = (k: number): number => {
      const p = o.offset + 4 + frame.length + k;
      return this.rcr & RCR.WRAP || p < size ? p : p - size;
    };
    const bytes = [0, 1, 2, 3].map((k) => this.opts.memory.read(this.rbstart + pos(k), 1)[0]!);
    bytes.reverse().forEach((b, k) => this.dmaWrite(this.rbstart + pos(k), Uint8Array.of(b)));
    return o;
  }
}

/** Ring full tested with > instead of >=: a frame that exactly fills the free space is written (CBR catches up with the read pointer). */
class RingFullOffByOne extends Rtl8139 {
  override rxFree(): number {
    // align4(total) >= free + 4 is align4(total) > free: both are multiples of 4.
    return super.rxFree() + 4;
  }
}

/** Free space computed one dword short: a frame leaving exactly 4 bytes free is refused. */
class RingFreeOneShort extends Rtl8139 {
  override rxFree(): number {
    return super.rxFree() - 4;
  }
}

/** Takes every multicast frame under RCR.AM, whatever MAR0-7 hold (the hash filter ignored). */
class IgnoresMar extends Rtl8139 {
  protected override multicastHashHit(): boolean {
    return true;
  }
}

/** Ignores the read pointer when deciding whether a frame fits: unread frames get overwritten. */
class OverwritesUnread extends Rtl8139 {
  override rxFree(): number {
    return this.ringSize();
  }
}

/** Takes the TX length from TSD bits 0-10 (an 11-bit size field) instead of 0-12: 2048 bytes and more go out short. */
class TsdSize11Bits extends Rtl8139 {
  protected override dmaRead(addr: number, length: number): Uint8Array {
    return super.dmaRead(addr, length & 0x7ff);
  }
}

/** Ring full tested on the frame alone, align4(frame) >= free: the 4-byte header and the 4-byte CRC are left out. */
class FreeWithoutHeaderAndCrc extends Rtl8139 {
  override rxFree(): number {
    return super.rxFree() + RX_HEADER_BYTES + CRC_BYTES;
  }
}

/** MPC is missing from the chip's I/O decode: the counter counts, but a port read of it returns 0. */
class MpcNotDecoded extends Rtl8139 {
  override ioRead(offset: number, width: Width): number {
    return offset >= REG.MPC && offset < REG.MPC + 4 ? 0 : super.ioRead(offset, width);
  }
}

/** ISR's write-1-to-clear covers bits 0-3 only (ROK, RER, TOK, TER): RXOVW (bit 4) and above stay set. */
class IsrClearLowNibble extends Rtl8139 {
  override ioWrite(offset: number, width: Width, value: number): void {
    if (offset === REG.ISR && width === 2) {
      this.isr &= ~(value & 0x0f) & 0xffff;
      return;
    }
    super.ioWrite(offset, width, value);
  }
}

/** A word or dword out over IDR0-5 / MAR0-7 (byte registers) writes only its first byte. */
class StraddlingWriteFirstOnly extends Rtl8139 {
  override ioWrite(offset: number, width: Width, value: number): void {
    if (offset < REG.TSD0) super.ioWrite(offset, 1, value & 0xff);
    else super.ioWrite(offset, width, value);
  }
}

/** Back-pressure without release: a held frame never lands, even after CAPR writes free the ring. */
class HeldNeverReleased extends Rtl8139 {
  protected override releaseHeld(): void {}
}

/** Back-pressure where a frame tried and counted as ring-full is dropped, not kept for a retry. */
class CountedFrameDropped extends Rtl8139 {
  override inject(frame: Uint8Array): InjectOutcome {
    if (this.opts.rxBackPressure && this.held.length === 0 && !this.refusesForRoom()) return this.receive(frame);
    return super.inject(frame);
  }
}

/** A write to MPC is ignored: the missed-packet count is never reset. */
class MpcWriteIgnored extends Rtl8139 {
  override ioWrite(offset: number, width: Width, value: number): void {
    if (offset === REG.MPC) return;
    super.ioWrite(offset, width, value);
  }
}

/** CR.BUFE latches on: once the ring has been empty after a read it stays set, frames or not. */
class BufeStuckAfterRead extends Rtl8139 {
  #stuck = false;
  protected override rxEmpty(): boolean {
    const empty = super.rxEmpty();
    if (empty && this.readPtr() !== 0) this.#stuck = true;
    return empty || this.#stuck;
  }
}

/** Ignores RCR.RBLEN: the ring is always the 8 KiB of RBLEN 0. */
class IgnoresRblen extends Rtl8139 {
  override ringSize(): number {
    return this.opts.profile.limits.rxRingBytes;
  }
}

export const nicMutants: Mutant[] = [
  {
    name: 'nic-capr-before-copy',
    layer: 'nic',
    description: 'receive_frame writes CAPR before it copies the frame: a frame the chip holds lands on that write, over the bytes still to be copied',
    caughtBy: ['nic.rx.back-pressure'],
    breaks: ['nic.rx.copy-before-capr'],
    spares: ['nic.rx.back-pressure'],
    executor: nicExecutor({ driver: driverOf(CaprBeforeCopy) }),
  },
  { name: 'nic-tx-index-stuck', layer: 'nic', description: 'TX_INDEX never advances: every frame is handed to descriptor 0', caughtBy: ['nic.tx.round-robin', 'nic.model.commands'], executor: nicExecutor({ driver: driverOf(StuckTxIndex) }) },
  { name: 'nic-tx-pad-64', layer: 'nic', description: 'short frames are padded to 64 bytes instead of 60', caughtBy: ['nic.tx.zero-pad', 'nic.tx.round-robin'], executor: nicExecutor({ driver: driverOf(PadTo64) }) },
  { name: 'nic-tx-pad-stale', layer: 'nic', description: 'padding is not zero-filled: stale bytes of an earlier, longer frame go on the wire', caughtBy: ['nic.tx.zero-pad'], executor: nicExecutor({ driver: driverOf(PadWithoutZeroFill) }) },
  { name: 'nic-tx-limit-off-by-one', layer: 'nic', description: 'a frame of exactly 2048 bytes is refused as too large', caughtBy: ['nic.tx.too-large'], executor: nicExecutor({ driver: driverOf(LimitOffByOne) }) },
  {
    name: 'nic-tx-accepts-2049',
    layer: 'nic',
    description: 'send_frame accepts a 2049-byte frame (send_len > 2048 must be "Frame too large")',
    caughtBy: ['nic.tx.too-large', 'nic.model.commands'],
    breaks: ['nic.tx.too-large'],
    executor: nicExecutor({ driver: driverOf(AcceptsOneOverLimit) }),
  },
  {
    name: 'nic-tx-pad-clears-past-buffer',
    layer: 'nic',
    description: 'the padding is zeroed with memset(buf + len, 0, 2048): every send writes len bytes past its 2 KiB TX buffer',
    caughtBy: ['nic.tx.own-buffer'],
    breaks: ['nic.tx.writes-own-buffer'],
    spares: ['nic.tx.own-buffer', 'nic.tx.zero-pad', 'nic.tx.device-send'],
    executor: nicExecutor({ driver: padClearsPastBuffer }),
  },
  {
    name: 'nic-tx-copies-before-size-check',
    layer: 'nic',
    description: 'send_frame copies the frame into its TX buffer before checking send_len <= 2048: a refused frame overruns the buffer',
    caughtBy: ['nic.tx.own-buffer'],
    breaks: ['nic.tx.writes-own-buffer'],
    spares: ['nic.tx.own-buffer', 'nic.tx.too-large'],
    executor: nicExecutor({ driver: driverOf(CopiesBeforeSizeCheck) }),
  },
  { name: 'nic-tx-shared-buffer', layer: 'nic', description: 'all descriptors transmit from TX_BUFFERS[0]', caughtBy: ['nic.tx.own-buffer'], executor: nicExecutor({ driver: sharedTxBuffer }) },
  { name: 'nic-rx-drop-stalls', layer: 'nic', description: 'a dropped frame returns without advancing the ring, which then stalls on it (r2’s code)', caughtBy: ['nic.rx.drop-and-continue'], executor: nicExecutor({ driver: driverOf(DropStallsRing) }) },
  { name: 'nic-rx-no-align', layer: 'nic', description: 'RX_OFFSET advances by length + 4 without rounding up to a 4-byte boundary', caughtBy: ['nic.rx.in-order'], executor: nicExecutor({ driver: driverOf(NoAlign) }) },
  { name: 'nic-rx-capr-no-minus-16', layer: 'nic', description: 'CAPR is written as RX_OFFSET instead of RX_OFFSET - 16', caughtBy: ['nic.rx.in-order', 'nic.rx.drop-and-continue'], executor: nicExecutor({ driver: driverOf(CaprWithoutMinus16) }) },
  {
    name: 'nic-deliver-strips-crc',
    layer: 'nic',
    description: 'receive_frame returns length − 4 bytes, the frame without its CRC',
    caughtBy: ['nic.rx.in-order'],
    breaks: ['nic.rx.deliver-includes-crc'],
    spares: ['nic.pci.*', 'nic.rx.in-order'],
    executor: nicExecutor({ driver: driverOf(DeliverStripsCrc) }),
  },
  { name: 'nic-rx-no-rok-ack', layer: 'nic', description: 'receive_frame never acknowledges ROK in ISR', caughtBy: ['nic.rx.empty-and-ack'], executor: nicExecutor({ driver: noRokAck }) },
  { name: 'nic-mac-reversed', layer: 'nic', description: 'read_mac_addr reads IDR5..IDR0', caughtBy: ['nic.mac.read'], executor: nicExecutor({ driver: driverOf(MacReversed) }) },
  { name: 'nic-no-bus-mastering', layer: 'nic', description: 'init never sets PCI bus mastering, so the chip cannot DMA', caughtBy: ['nic.init.sequence'], executor: nicExecutor({ driver: driverOf(NoBusMastering) }) },
  { name: 'nic-pci-bus-zero-only', layer: 'nic', description: 'find_io_base scans bus 0 only and falls back to 0xC000 for a card elsewhere', caughtBy: ['nic.pci.discovery'], executor: nicExecutor({ driver: driverOf(ScansBusZeroOnly) }) },
  { name: 'nic-init-order-swapped', layer: 'nic', description: 'init programs RCR before enabling RE/TE in CR', caughtBy: ['nic.init.sequence'], executor: nicExecutor({ driver: driverOf(RcrBeforeEnable) }) },
  { name: 'nic-init-no-reset-poll', layer: 'nic', description: 'init programs RBSTART right after CR <- RST without waiting for RST to clear', caughtBy: ['nic.init.sequence'], executor: nicExecutor({ driver: driverOf(NoResetPoll) }) },
  { name: 'nic-sends-before-init', layer: 'nic', description: 'send_frame before init uses the fallback I/O base instead of refusing', caughtBy: ['nic.driver.before-init'], breaks: ['nic.driver.before-init'], executor: nicExecutor({ driver: driverOf(UsesFallbackBeforeInit) }) },
  { name: 'nic-reinit-keeps-indices', layer: 'nic', description: 'a second init keeps RX_OFFSET and TX_INDEX while the chip restarts at 0', caughtBy: ['nic.init.reinit'], breaks: ['nic.init.resets-indices', 'nic.init.resets-tx-index'], executor: nicExecutor({ driver: driverOf(ReinitKeepsIndices) }) },
  {
    name: 'nic-reinit-keeps-tx-index',
    layer: 'nic',
    description: 'a second init resets RX_OFFSET but keeps TX_INDEX while the chip restarts at descriptor 0',
    caughtBy: ['nic.init.reinit'],
    breaks: ['nic.init.resets-tx-index'],
    spares: ['nic.init.resets-indices'],
    executor: nicExecutor({ driver: driverOf(ReinitKeepsTxIndex) }),
  },
  { name: 'nic-chip-reset-keeps-idr', layer: 'nic', description: 'a chip reset keeps the station address software wrote into IDR0-5 instead of reloading it from the EEPROM', caughtBy: ['nic.mac.read'], breaks: ['nic.mac.read'], executor: nicExecutor({ device: chip(ResetKeepsIdr) }) },
  { name: 'nic-chip-wrap-ignored', layer: 'nic', description: 'the chip splits a frame at the ring end although RCR.WRAP is set', caughtBy: ['nic.rx.wrap'], executor: nicExecutor({ device: chip(WrapIgnored) }) },
  { name: 'nic-chip-mpc-not-counted', layer: 'nic', description: 'the chip refuses frames on a full ring without counting them in MPC', caughtBy: ['nic.rx.ring-full'], executor: nicExecutor({ device: chip(MpcNotCounted) }) },
  { name: 'nic-chip-length-without-crc', layer: 'nic', description: 'the ring header length leaves out the 4 CRC bytes', caughtBy: ['nic.rx.slot-layout'], executor: nicExecutor({ device: chip(LengthWithoutCrc) }) },
  { name: 'nic-chip-crc-big-endian', layer: 'nic', description: 'the CRC after each frame is stored most significant byte first', caughtBy: ['nic.rx.slot-layout', 'nic.rx.crc-check-value'], executor: nicExecutor({ device: chip(CrcBigEndian) }) },
  {
    name: 'nic-chip-ring-full-off-by-one',
    layer: 'nic',
    description: 'the chip tests ring full with align4(frame + 8) > free instead of >=: a frame that exactly fills the free space is written',
    caughtBy: ['nic.rx.ring-full'],
    breaks: ['nic.rx.ring-full'],
    spares: ['nic.rx.header', 'nic.rx.crc', 'nic.rx.align'],
    executor: nicExecutor({ device: chip(RingFullOffByOne) }),
  },
  {
    name: 'nic-chip-ring-free-one-short',
    layer: 'nic',
    description: 'the chip computes the free ring space one dword short: a frame leaving exactly 4 bytes free is refused',
    caughtBy: ['nic.rx.ring-full'],
    breaks: ['nic.rx.ring-full'],
    spares: ['nic.rx.header', 'nic.rx.crc', 'nic.rx.align'],
    executor: nicExecutor({ device: chip(RingFreeOneShort) }),
  },
  {
    name: 'nic-chip-ignores-mar',
    layer: 'nic',
    description: 'with RCR.AAP clear the chip takes every multicast frame under RCR.AM, whatever its MAR0-7 hash bit',
    caughtBy: ['nic.rx.address-filter'],
    breaks: ['nic.rx.status-class-bits'],
    spares: ['nic.rx.rx-enabled'],
    executor: nicExecutor({ device: chip(IgnoresMar) }),
  },
  { name: 'nic-chip-overwrites-unread', layer: 'nic', description: 'the chip ignores the read pointer and writes over unread frames', caughtBy: ['nic.rx.ring-full'], executor: nicExecutor({ device: chip(OverwritesUnread) }) },
  // Boundary families (issue 9): sizes at a limit, whole field ranges, rules read through the port.
  {
    name: 'nic-rx-last-slot-body-wrapped',
    layer: 'nic',
    description: 'receive_frame reads the frame after the header at (RX_OFFSET + 4) mod ring: a header in the ring’s last dword gets its body from the ring start',
    caughtBy: ['nic.rx.wrap'],
    breaks: ['nic.rx.wrap'],
    executor: nicExecutor({ driver: driverOf(BodyOffsetWrapped) }),
  },
  {
    name: 'nic-rx-capr-modulo-ring',
    layer: 'nic',
    description: 'CAPR is written as (RX_OFFSET − 16) mod ring instead of mod 2^16: when RX_OFFSET wraps to 0..12 it reads 0x1FF0.. instead of 0xFFF0..',
    caughtBy: ['nic.rx.wrap', 'nic.rx.in-order', 'nic.model.commands', 'nic.rx.drop-and-continue'],
    breaks: ['nic.rx.advance'],
    spares: ['nic.rx.ring-full', 'nic.rx.in-order'],
    executor: nicExecutor({ driver: driverOf(CaprModuloRing) }),
  },
  {
    name: 'nic-chip-tsd-size-11-bits',
    layer: 'nic',
    description: 'the chip takes the TX length from TSD bits 0-10 instead of the 13-bit size field: a 2048-byte frame goes out empty',
    caughtBy: ['nic.tx.device-order', 'nic.tx.round-robin'],
    breaks: ['nic.tx.device-send'],
    executor: nicExecutor({ device: chip(TsdSize11Bits) }),
  },
  {
    name: 'nic-chip-free-without-header-crc',
    layer: 'nic',
    description: 'the chip tests ring full as align4(frame) >= free, leaving out the 4-byte header and the CRC: frames that fill the free space, or pass it by a dword, are written',
    caughtBy: ['nic.rx.ring-full'],
    breaks: ['nic.rx.ring-full'],
    executor: nicExecutor({ device: chip(FreeWithoutHeaderAndCrc) }),
  },
  {
    name: 'nic-chip-mpc-not-decoded',
    layer: 'nic',
    description: 'the chip counts missed frames but MPC is missing from its I/O decode: a port read of MPC returns 0',
    caughtBy: ['nic.rx.ring-full'],
    breaks: ['nic.rx.ring-full'],
    executor: nicExecutor({ device: chip(MpcNotDecoded) }),
  },
  {
    name: 'nic-chip-isr-clear-low-nibble',
    layer: 'nic',
    description: 'ISR’s write-1-to-clear covers bits 0-3 only: writing 1 to RXOVW (bit 4) leaves it set',
    caughtBy: ['nic.regs.isr-imr'],
    breaks: ['nic.rx.rok'],
    executor: nicExecutor({ device: chip(IsrClearLowNibble) }),
  },
  {
    name: 'nic-chip-ignores-rblen',
    layer: 'nic',
    description: 'the chip ignores RCR.RBLEN: with a 16, 32 or 64 KiB ring programmed it still wraps at 8 KiB',
    caughtBy: ['nic.rx.ring-length'],
    breaks: ['nic.rx.ring-full'],
    executor: nicExecutor({ device: chip(IgnoresRblen) }),
  },
  {
    name: 'nic-chip-straddling-write-first-only',
    layer: 'nic',
    description: 'a word or dword out over the byte registers IDR0-5 / MAR0-7 writes only its first byte',
    caughtBy: ['nic.regs.byte-lanes'],
    breaks: ['nic.regs.byte-lanes'],
    executor: nicExecutor({ device: chip(StraddlingWriteFirstOnly) }),
  },
  {
    name: 'nic-chip-held-never-released',
    layer: 'nic',
    description: 'with rxBackPressure a held frame is never written, not even after the driver frees the ring (CAPR writes)',
    caughtBy: ['nic.rx.back-pressure'],
    breaks: ['nic.rx.back-pressure'],
    executor: nicExecutor({ device: chip(HeldNeverReleased) }),
  },
  {
    name: 'nic-chip-bufe-stuck-after-read',
    layer: 'nic',
    description: 'CR.BUFE stays set once the ring was emptied by a read, even while a later frame is unread',
    caughtBy: ['nic.regs.bufe-mpc'],
    breaks: ['nic.regs.bufe'],
    spares: ['nic.regs.mpc-clear'],
    executor: nicExecutor({ device: chip(BufeStuckAfterRead) }),
  },
  {
    name: 'nic-chip-counted-frame-dropped',
    layer: 'nic',
    description: 'with rxBackPressure and RXOVW enabled a frame that does not fit is counted and dropped, where QEMU keeps it and tries it again at the next CAPR write',
    caughtBy: ['nic.rx.back-pressure'],
    breaks: ['nic.rx.back-pressure'],
    executor: nicExecutor({ device: chip(CountedFrameDropped) }),
  },
  {
    name: 'nic-chip-mpc-write-ignored',
    layer: 'nic',
    description: 'a write to MPC is ignored instead of resetting the missed packet counter',
    caughtBy: ['nic.regs.bufe-mpc'],
    breaks: ['nic.regs.mpc-clear'],
    executor: nicExecutor({ device: chip(MpcWriteIgnored) }),
  },
];
