// Deliberately wrong RTL8139 chips for nic.ts's mutant list: each a small subclass of the
// reference chip model with one documented rule broken.
import type { InjectOutcome } from '../../src/hw/api.ts';
import { Rtl8139 } from '../../src/hw/rtl8139.ts';
import { CRC_BYTES, RCR, REG, RX_HEADER_BYTES } from '../../src/hw/rtl8139-regs.ts';
import type { Width } from '../../src/hw/bus.ts';

/** A reset keeps IDR0-5 as software last wrote them instead of reloading the EEPROM's address (power-on still loads it). */
export class ResetKeepsIdr extends Rtl8139 {
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
export class WrapIgnored extends Rtl8139 {
  override inject(frame: Uint8Array) {
    const rcr = this.rcr;
    this.rcr &= ~RCR.WRAP;
    const o = super.inject(frame);
    this.rcr = rcr;
    return o;
  }
}

/** Refuses frames on a full ring but never counts them in MPC. */
export class MpcNotCounted extends Rtl8139 {
  override inject(frame: Uint8Array) {
    const mpc = this.mpc;
    const o = super.inject(frame);
    this.mpc = mpc;
    return o;
  }
}

/** Writes the frame length without the 4 CRC bytes into the ring header. */
export class LengthWithoutCrc extends Rtl8139 {
  override inject(frame: Uint8Array) {
    const o = super.inject(frame);
    if (o.accepted) this.dmaWrite(this.rbstart + o.offset + 2, Uint8Array.of(frame.length & 0xff, frame.length >>> 8));
    return o;
  }
}

/** Stores the CRC most significant byte first. */
export class CrcBigEndian extends Rtl8139 {
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
export class RingFullOffByOne extends Rtl8139 {
  override rxFree(): number {
    // align4(total) >= free + 4 is align4(total) > free: both are multiples of 4.
    return super.rxFree() + 4;
  }
}

/** Free space computed one dword short: a frame leaving exactly 4 bytes free is refused. */
export class RingFreeOneShort extends Rtl8139 {
  override rxFree(): number {
    return super.rxFree() - 4;
  }
}

/** Takes every multicast frame under RCR.AM, whatever MAR0-7 hold (the hash filter ignored). */
export class IgnoresMar extends Rtl8139 {
  protected override multicastHashHit(): boolean {
    return true;
  }
}

/** Ignores the read pointer when deciding whether a frame fits: unread frames get overwritten. */
export class OverwritesUnread extends Rtl8139 {
  override rxFree(): number {
    return this.ringSize();
  }
}

/** Takes the TX length from TSD bits 0-10 (an 11-bit size field) instead of 0-12: 2048 bytes and more go out short. */
export class TsdSize11Bits extends Rtl8139 {
  protected override dmaRead(addr: number, length: number): Uint8Array {
    return super.dmaRead(addr, length & 0x7ff);
  }
}

/** Ring full tested on the frame alone, align4(frame) >= free: the 4-byte header and the 4-byte CRC are left out. */
export class FreeWithoutHeaderAndCrc extends Rtl8139 {
  override rxFree(): number {
    return super.rxFree() + RX_HEADER_BYTES + CRC_BYTES;
  }
}

/** MPC is missing from the chip's I/O decode: the counter counts, but a port read of it returns 0. */
export class MpcNotDecoded extends Rtl8139 {
  override ioRead(offset: number, width: Width): number {
    return offset >= REG.MPC && offset < REG.MPC + 4 ? 0 : super.ioRead(offset, width);
  }
}

/** ISR's write-1-to-clear covers bits 0-3 only (ROK, RER, TOK, TER): RXOVW (bit 4) and above stay set. */
export class IsrClearLowNibble extends Rtl8139 {
  override ioWrite(offset: number, width: Width, value: number): void {
    if (offset === REG.ISR && width === 2) {
      this.isr &= ~(value & 0x0f) & 0xffff;
      return;
    }
    super.ioWrite(offset, width, value);
  }
}

/** A word or dword out over IDR0-5 / MAR0-7 (byte registers) writes only its first byte. */
export class StraddlingWriteFirstOnly extends Rtl8139 {
  override ioWrite(offset: number, width: Width, value: number): void {
    if (offset < REG.TSD0) super.ioWrite(offset, 1, value & 0xff);
    else super.ioWrite(offset, width, value);
  }
}

/** Back-pressure without release: a held frame never lands, even after CAPR writes free the ring. */
export class HeldNeverReleased extends Rtl8139 {
  protected override releaseHeld(): void {}
}

/** Back-pressure where a frame tried and counted as ring-full is dropped, not kept for a retry. */
export class CountedFrameDropped extends Rtl8139 {
  override inject(frame: Uint8Array): InjectOutcome {
    if (this.opts.rxBackPressure && this.held.length === 0 && !this.refusesForRoom()) return this.receive(frame);
    return super.inject(frame);
  }
}

/** A write to MPC is ignored: the missed-packet count is never reset. */
export class MpcWriteIgnored extends Rtl8139 {
  override ioWrite(offset: number, width: Width, value: number): void {
    if (offset === REG.MPC) return;
    super.ioWrite(offset, width, value);
  }
}

/** CR.BUFE latches on: once the ring has been empty after a read it stays set, frames or not. */
export class BufeStuckAfterRead extends Rtl8139 {
  #stuck = false;
  protected override rxEmpty(): boolean {
    const empty = super.rxEmpty();
    if (empty && this.readPtr() !== 0) this.#stuck = true;
    return empty || this.#stuck;
  }
}

/** Ignores RCR.RBLEN: the ring is always the 8 KiB of RBLEN 0. */
export class IgnoresRblen extends Rtl8139 {
  override ringSize(): number {
    return this.opts.profile.limits.rxRingBytes;
  }
}
