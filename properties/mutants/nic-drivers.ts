// Deliberately wrong RTL8139 drivers for nic.ts's mutant list: each a small subclass of (or
// wrapper around) the reference driver with one documented rule broken.
import type { NicDriverParts } from '../../src/hw/index.ts';
import type { PortIo } from '../../src/hw/bus.ts';
import { CR, ISR, RCR, REG, RX_HEADER_BYTES } from '../../src/hw/rtl8139-regs.ts';
import { PCI_CFG } from '../../src/hw/pci.ts';
import { Rtl8139Driver, RESET_POLL_LIMIT, type PciFound } from '../../src/drivers/rtl8139.ts';
import { err, ok, type Result } from '../../src/util/result.ts';

/** TX_INDEX never advances: every frame goes to descriptor 0. */
export class StuckTxIndex extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    const r = super.sendFrame(data, len);
    this.TX_INDEX = 0;
    return r;
  }
}

/** receive_frame writes CAPR before it copies the frame (the chip may write over it meanwhile). */
export class CaprBeforeCopy extends Rtl8139Driver {
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
export class PadTo64 extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    if (!Number.isSafeInteger(len) || len < 0 || len >= 64 || len > data.length) return super.sendFrame(data, len);
    const padded = new Uint8Array(64);
    padded.set(data.subarray(0, len));
    return super.sendFrame(padded, 64);
  }
}

/** A driver whose mutant sends through its own path: copies `len` bytes into the current TX buffer and hands `sendLen` to the chip. */
abstract class OwnSendPath extends Rtl8139Driver {
  protected handOver(io: number, data: Uint8Array, len: number, sendLen: number): Result<{ descriptor: number; sendLen: number }> {
    const i = this.TX_INDEX;
    const buf = this.layout.txBuffers[i]!;
    this.memory.write(buf, data.subarray(0, len));
    this.io.outl(io + REG.TSAD0 + 4 * i, buf);
    this.io.outl(io + REG.TSD0 + 4 * i, sendLen);
    this.TX_INDEX = (i + 1) % this.profile.limits.txDescriptors;
    return ok({ descriptor: i, sendLen });
  }
}

/** Sends max(len, 60) bytes without zeroing the padding: stale bytes of an earlier frame leak. */
export class PadWithoutZeroFill extends OwnSendPath {
  override sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
    const io = this.ioBase;
    const l = this.profile.limits;
    if (io === undefined || !Number.isSafeInteger(len) || len < 0 || len > data.length) return super.sendFrame(data, len);
    const sendLen = Math.max(len, l.minEthernetFrame);
    if (sendLen > l.txBufferBytes) return super.sendFrame(data, len);
    return this.handOver(io, data, len, sendLen);
  }
}

/** Refuses a frame of exactly 2 KiB: the limit checked with >= instead of >. */
export class LimitOffByOne extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    if (Math.max(len, this.profile.limits.minEthernetFrame) === this.profile.limits.txBufferBytes) return err('too-large', 'rtl8139.send_frame', 'Frame too large');
    return super.sendFrame(data, len);
  }
}

/** Accepts a 2049-byte frame: the limit checked as send_len > 2049 (and the byte past the buffer written anyway). */
export class AcceptsOneOverLimit extends OwnSendPath {
  override sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
    const io = this.ioBase;
    const l = this.profile.limits;
    if (io === undefined || len !== l.txBufferBytes + 1 || len > data.length) return super.sendFrame(data, len);
    return this.handOver(io, data, len, len);
  }
}

/**
 * Zeroes "the rest of the buffer" with the buffer's whole size instead of what is left of it
 * (memset(buf + len, 0, 2048)): every send runs len bytes past TX_BUFFERS[i].
 */
export const padClearsPastBuffer = (m: NicDriverParts): Rtl8139Driver => {
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
export class CopiesBeforeSizeCheck extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
    const buf = this.layout.txBuffers[this.TX_INDEX];
    if (this.ioBase !== undefined && buf !== undefined && Number.isSafeInteger(len) && len >= 0 && len <= data.length) this.memory.write(buf, data.subarray(0, len));
    return super.sendFrame(data, len);
  }
}

/** All four descriptors transmit from TX_BUFFERS[0]. */
export const sharedTxBuffer = (m: NicDriverParts): Rtl8139Driver => new Rtl8139Driver(m.bus, m.memory, { ...m.layout, txBuffers: m.layout.txBuffers.map(() => m.layout.txBuffers[0]!) }, m.profile);

/** receive_frame as r2's code has it: a dropped frame returns without advancing (the ring stalls). */
export class DropStallsRing extends Rtl8139Driver {
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
export class NoAlign extends Rtl8139Driver {
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
export class DeliverStripsCrc extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const withCrc = new Uint8Array(into.length + 4);
    const n = super.receiveFrame(withCrc) - 4;
    if (n < this.profile.limits.minRxFrame) return 0;
    into.set(withCrc.subarray(0, n));
    return n;
  }
}

/** Writes CAPR = RX_OFFSET (forgetting the chip's 16-byte offset). */
export class CaprWithoutMinus16 extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const before = this.RX_OFFSET;
    const n = super.receiveFrame(into);
    if (this.RX_OFFSET !== before && this.ioBase !== undefined) this.io.outw(this.ioBase + REG.CAPR, this.RX_OFFSET & 0xffff);
    return n;
  }
}

/** Never acknowledges ROK: the driver's ISR writes are lost on their way to the port. */
export const noRokAck = (m: NicDriverParts): Rtl8139Driver => {
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
export class MacReversed extends Rtl8139Driver {
  override readMacAddr(): Uint8Array {
    return super.readMacAddr().reverse();
  }
}

/** Forgets to enable PCI bus mastering: the chip's DMA reaches no memory. */
export class NoBusMastering extends Rtl8139Driver {
  protected override enableBusMastering(): void {}
}

/** Scans bus 0 only, so a card on any other bus is never found. */
export class ScansBusZeroOnly extends Rtl8139Driver {
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
export class RcrBeforeEnable extends ReorderedInit {
  protected poll = true;
  protected rcrBeforeEnable = true;
}
export class NoResetPoll extends ReorderedInit {
  protected poll = false;
  protected rcrBeforeEnable = false;
}

/** A second init resets RX_OFFSET but keeps TX_INDEX (r2's code: only the TX half of the re-init is off). */
export class ReinitKeepsTxIndex extends Rtl8139Driver {
  override init() {
    const tx = this.TX_INDEX;
    const r = super.init();
    this.TX_INDEX = tx;
    return r;
  }
}

/** Before init, sends (and polls) at the fallback I/O base, as a driver with IO_BASE defaulting to 0xC000 would. */
export class UsesFallbackBeforeInit extends Rtl8139Driver {
  override sendFrame(data: Uint8Array, len: number) {
    if (this.ioBase === undefined) this.ioBase = this.profile.defaults.nicIoFallback;
    return super.sendFrame(data, len);
  }
}

/** A second init keeps the old RX_OFFSET and TX_INDEX while the chip restarts at 0. */
export class ReinitKeepsIndices extends Rtl8139Driver {
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
export class BodyOffsetWrapped extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const ring = this.profile.limits.rxRingBytes;
    const at = this.RX_OFFSET % ring;
    const n = super.receiveFrame(into);
    if (n > 0 && at + RX_HEADER_BYTES >= ring) into.set(this.memory.read(this.layout.rxRing + ((at + RX_HEADER_BYTES) % ring), n));
    return n;
  }
}

/** Keeps CAPR inside the ring: (RX_OFFSET - 16) mod ring, not mod 2^16 (0x1FF0 where the chip expects 0xFFF0). */
export class CaprModuloRing extends Rtl8139Driver {
  override receiveFrame(into: Uint8Array): number {
    const before = this.RX_OFFSET;
    const n = super.receiveFrame(into);
    const ring = this.profile.limits.rxRingBytes;
    if (this.RX_OFFSET !== before && this.ioBase !== undefined) this.io.outw(this.ioBase + REG.CAPR, (this.RX_OFFSET + ring - 16) % ring);
    return n;
  }
}
