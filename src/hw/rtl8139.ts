// RTL8139 device model. One state object, one read and one write dispatch by offset and width,
// an explicit reset state. The guest side is the I/O window (via IoBus) plus DMA into guest
// memory; the outside is the wire: inject() receives a frame, `wire` logs transmitted frames.
import type { InjectOutcome, NicOutside, WireFrame } from './api.ts';
import type { IoDevice, Width } from './bus.ts';
import type { GuestMemory } from './memory.ts';
import type { Profile } from '../spec/profile.ts';
import { crc32 } from './crc32.ts';
import {
  CONFIG1,
  CR,
  CRC_BYTES,
  HW_TX_DESCRIPTORS,
  ISR,
  RCR,
  REG,
  RTL8139_IO_SIZE,
  RX_HEADER_BYTES,
  RX_STATUS,
  TSD,
  align4,
} from './rtl8139-regs.ts';

/** [hw] the chip flags packets over 4 KiB (CRC included) as LONG; the model does not accept them. */
export const MAX_RX_PACKET_BYTES = 4096;
/** TSD bits software may write: SIZE, OWN, early-TX threshold (16–21). Status bits are the chip's. */
const TSD_WRITABLE = 0x003f3fff;
/** The missed packet counter is 24 bits wide. */
const MPC_MASK = 0xffffff;

export interface Rtl8139Options {
  profile: Profile;
  memory: GuestMemory;
  /** The station address the chip loads from its EEPROM at reset. */
  mac: Uint8Array;
  /** PCI command bit 2: without bus mastering the chip's DMA reaches no memory. Default: always on. */
  busMaster?: () => boolean;
  /** How many CR reads still show RST after a reset was requested (real chips take a moment). */
  rstBusyReads?: number;
  /**
   * QEMU's behaviour (spec/hardware/qemu.json 'rx-back-pressure'): with less than a full frame of
   * room and RXOVW masked, a frame is held (the wire backs up) instead of dropped with RXOVW/MPC;
   * a frame tried that does not fit is counted (RXOVW, MPC) and held too. Held frames are tried
   * again at each CAPR write (counted again while they still do not fit). Default false: the
   * datasheet's drop.
   */
  rxBackPressure?: boolean;
}

/** The room QEMU wants before it takes a frame while RXOVW is masked: a full Ethernet frame. */
const BACK_PRESSURE_ROOM = 1514;

/** A register: its offset, width, and how reads and (byte-masked) writes behave. */
interface Reg {
  at: number;
  width: Width;
  read(): number;
  /** `value` and `mask` are aligned to the register; `mask` covers the bytes actually written. */
  write(value: number, mask: number): void;
}

const merge = (old: number, value: number, mask: number): number => ((old & ~mask) | (value & mask)) >>> 0;

export class Rtl8139 implements IoDevice, NicOutside {
  readonly name = 'rtl8139';
  readonly ioSize = RTL8139_IO_SIZE;
  protected readonly opts: Rtl8139Options;
  private readonly eepromMac: Uint8Array;
  private readonly regAt: (Reg | undefined)[] = new Array<Reg | undefined>(RTL8139_IO_SIZE);
  protected readonly wireLog: WireFrame[] = [];
  /** Header + largest accepted packet: where inject() assembles what it DMAs. */
  private readonly rxScratch = new Uint8Array(RX_HEADER_BYTES + MAX_RX_PACKET_BYTES);
  /** rxScratchViews[n]: the scratch's first n bytes, made once (a view costs as much as the CRC of a small frame). */
  private readonly rxScratchViews: Uint8Array[] = [];
  /** Frames the RCR address filter rejected (never happens with the documented RCR, AAP set). */
  rxFiltered = 0;
  /** Frames held by back-pressure (rxBackPressure), oldest first. */
  protected held: Uint8Array[] = [];

  // --- device state (all set by reset()); protected so test subclasses can model broken chips ---
  protected idr = new Uint8Array(6);
  /** Registers without their own handler (MAR, TCR, CONFIG0…): they read back what was written (MAR0-7 also feed the multicast filter). */
  protected plain = new Uint8Array(RTL8139_IO_SIZE);
  protected tsd = new Uint32Array(HW_TX_DESCRIPTORS);
  protected tsad = new Uint32Array(HW_TX_DESCRIPTORS);
  /** The chip's own TX pointer: it transmits descriptors strictly in order from 0 after reset. */
  protected currTx = 0;
  protected rbstart = 0;
  /** RE and TE as last written (RST and BUFE are computed on read). */
  protected cmd = 0;
  protected rstBusy = 0;
  protected capr = 0;
  protected cbr = 0;
  protected imr = 0;
  protected isr = 0;
  protected rcr = 0;
  protected mpc = 0;
  protected config1 = 0;

  constructor(opts: Rtl8139Options) {
    this.opts = opts;
    this.eepromMac = Uint8Array.from({ length: 6 }, (_, i) => opts.mac[i] ?? 0);
    this.buildRegisterMap();
    this.reset();
  }

  /** Power-on / software reset state (datasheet reset values; the MAC reloads from the EEPROM). */
  reset(): void {
    this.idr = this.eepromMac.slice();
    this.plain = new Uint8Array(RTL8139_IO_SIZE);
    this.tsd = new Uint32Array(HW_TX_DESCRIPTORS).fill(TSD.OWN); // host owns every descriptor
    this.tsad = new Uint32Array(HW_TX_DESCRIPTORS);
    this.currTx = 0;
    this.rbstart = 0;
    this.cmd = 0;
    this.rstBusy = 0;
    this.capr = 0xfff0; // read pointer 0, reported as CAPR = 0 − 16
    this.cbr = 0;
    this.imr = 0;
    this.isr = 0;
    this.rcr = 0;
    this.mpc = 0;
    this.config1 = 0;
    this.held = []; // a reset chip has its receiver off: what waited is dropped
  }

  // ---------------------------------------------------------------- guest side: I/O window

  ioRead(offset: number, width: Width): number {
    // The common case, an access inside one register: one read, no byte loop.
    const one = this.regAt[offset];
    if (one && offset + width <= one.at + one.width) {
      const v = one.read() >>> ((offset - one.at) * 8);
      return width === 4 ? v >>> 0 : v & ((1 << (width * 8)) - 1);
    }
    let value = 0;
    let lastReg: Reg | undefined;
    let lastVal = 0;
    for (let i = 0; i < width; i++) {
      const at = offset + i;
      const reg = this.regAt[at];
      let byte: number;
      if (reg) {
        // Read each register once per access: CR's read has a side effect (RST busy count).
        if (reg !== lastReg) {
          lastReg = reg;
          lastVal = reg.read();
        }
        byte = (lastVal >>> ((at - reg.at) * 8)) & 0xff;
      } else {
        byte = this.plain[at] ?? 0xff;
      }
      value += byte * 2 ** (8 * i);
    }
    return value;
  }

  ioWrite(offset: number, width: Width, value: number): void {
    const one = this.regAt[offset];
    if (one && offset + width <= one.at + one.width) {
      // Inside one register: one write, its bytes masked, without grouping.
      const shift = (offset - one.at) * 8;
      const bytes = width === 4 ? 0xffffffff : (1 << (width * 8)) - 1;
      one.write(((value & bytes) << shift) >>> 0, (bytes << shift) >>> 0);
      return;
    }
    // Group the written bytes per register so each register sees one write with a byte mask.
    const pending = new Map<Reg, { value: number; mask: number }>();
    for (let i = 0; i < width; i++) {
      const at = offset + i;
      const byte = (value >>> (8 * i)) & 0xff;
      const reg = this.regAt[at];
      if (!reg) {
        if (at < RTL8139_IO_SIZE) this.plain[at] = byte;
        continue;
      }
      const shift = (at - reg.at) * 8;
      const p = pending.get(reg) ?? { value: 0, mask: 0 };
      p.value = (p.value | (byte << shift)) >>> 0;
      p.mask = (p.mask | (0xff << shift)) >>> 0;
      pending.set(reg, p);
    }
    for (const [reg, p] of pending) reg.write(p.value, p.mask);
  }

  private buildRegisterMap(): void {
    const add = (r: Reg): void => {
      for (let i = 0; i < r.width; i++) this.regAt[r.at + i] = r;
    };
    for (let i = 0; i < 6; i++) {
      add({ at: REG.IDR0 + i, width: 1, read: () => this.idr[i] ?? 0, write: (v) => void (this.idr[i] = v & 0xff) });
    }
    for (let d = 0; d < HW_TX_DESCRIPTORS; d++) {
      add({ at: REG.TSD0 + 4 * d, width: 4, read: () => this.tsd[d] ?? 0, write: (v, m) => this.writeTsd(d, v, m) });
      add({
        at: REG.TSAD0 + 4 * d,
        width: 4,
        read: () => this.tsad[d] ?? 0,
        write: (v, m) => void (this.tsad[d] = merge(this.tsad[d] ?? 0, v, m)),
      });
    }
    add({ at: REG.RBSTART, width: 4, read: () => this.rbstart, write: (v, m) => void (this.rbstart = merge(this.rbstart, v, m)) });
    add({ at: REG.CR, width: 1, read: () => this.readCr(), write: (v) => this.writeCr(v) });
    add({
      at: REG.CAPR,
      width: 2,
      read: () => this.capr,
      write: (v, m) => {
        this.capr = merge(this.capr, v, m) & 0xffff;
        this.releaseHeld();
      },
    });
    add({ at: REG.CBR, width: 2, read: () => this.cbr, write: () => undefined }); // read-only
    add({ at: REG.IMR, width: 2, read: () => this.imr, write: (v, m) => void (this.imr = merge(this.imr, v, m) & 0xffff) });
    add({ at: REG.ISR, width: 2, read: () => this.isr, write: (v, m) => void (this.isr &= ~(v & m) & 0xffff) });
    add({ at: REG.RCR, width: 4, read: () => this.rcr, write: (v, m) => void (this.rcr = merge(this.rcr, v, m)) });
    add({ at: REG.MPC, width: 4, read: () => this.mpc, write: () => void (this.mpc = 0) }); // any write clears
    add({ at: REG.CONFIG1, width: 1, read: () => this.config1 | CONFIG1.MAPPED, write: (v) => void (this.config1 = v & 0xff & ~CONFIG1.MAPPED) });
  }

  private readCr(): number {
    let v = (this.cmd & (CR.RE | CR.TE)) | (this.rxEmpty() ? CR.BUFE : 0);
    if (this.rstBusy > 0) {
      this.rstBusy--;
      v |= CR.RST;
    }
    return v;
  }

  private writeCr(v: number): void {
    if (v & CR.RST) {
      this.reset();
      this.rstBusy = Math.max(0, this.opts.rstBusyReads ?? 0);
    }
    this.cmd = v & (CR.RE | CR.TE);
    this.transmitPending(); // enabling TE starts descriptors already handed over
  }

  // ---------------------------------------------------------------- transmit

  private writeTsd(d: number, v: number, mask: number): void {
    const written = merge(this.tsd[d] ?? 0, v, mask) & TSD_WRITABLE;
    this.tsd[d] = written;
    this.transmitPending();
  }

  /**
   * Sends handed-over descriptors (OWN clear) in the chip's own order. A TSD written out of
   * turn waits until the chip's pointer reaches it, as on the real chip.
   */
  protected transmitPending(): void {
    for (let n = 0; n < HW_TX_DESCRIPTORS; n++) {
      const d = this.currTx;
      const status = this.tsd[d] ?? 0;
      if (!(this.cmd & CR.TE) || status & TSD.OWN) return;
      const addr = this.tsad[d] ?? 0;
      const bytes = this.dmaRead(addr, status & TSD.SIZE); // the chip never pads
      this.wireLog.push({ descriptor: d, tsad: addr, tsd: status, bytes });
      this.tsd[d] = (status | TSD.OWN | TSD.TOK) >>> 0;
      this.isr |= ISR.TOK;
      this.currTx = (d + 1) % HW_TX_DESCRIPTORS;
    }
  }

  // ---------------------------------------------------------------- receive (wire side)

  /** Ring size: the profile's ring scaled by RCR.RBLEN (RBLEN 0 = rxRingBytes). */
  ringSize(): number {
    return this.opts.profile.limits.rxRingBytes << ((this.rcr & RCR.RBLEN_MASK) >>> RCR.RBLEN_SHIFT);
  }

  /** The driver's read pointer in ring offsets: CAPR + 16. */
  protected readPtr(): number {
    return ((this.capr + 16) & 0xffff) % this.ringSize();
  }

  protected rxEmpty(): boolean {
    return this.readPtr() === this.cbr;
  }

  /** Free bytes between the write offset and the read pointer; equal pointers mean empty. */
  rxFree(): number {
    const size = this.ringSize();
    return (size + this.readPtr() - this.cbr) % size || size;
  }

  inject(frame: Uint8Array): InjectOutcome {
    if (!this.opts.rxBackPressure || !(this.cmd & CR.RE)) return this.receive(frame);
    if (this.held.length > 0 || this.refusesForRoom()) {
      this.held.push(frame.slice());
      return { accepted: false, reason: 'ring-full', held: true };
    }
    const out = this.receive(frame);
    // QEMU keeps a frame it tried and could not fit (counted: RXOVW, MPC) and tries it again.
    if (!out.accepted && out.reason === 'ring-full') this.held.push(frame.slice());
    return out;
  }

  /** Back-pressure: less than a full frame of room and RXOVW masked (an empty ring is all room). */
  protected refusesForRoom(): boolean {
    return this.rxFree() < BACK_PRESSURE_ROOM && !(this.imr & ISR.RXOVW);
  }

  /**
   * After a CAPR write: tries the held frames, oldest first, while there is room for them. One
   * that still does not fit is counted again and stays first in line.
   */
  protected releaseHeld(): void {
    while (this.held.length > 0 && this.cmd & CR.RE && !this.refusesForRoom()) {
      const out = this.receive(this.held[0]!);
      if (!out.accepted && out.reason === 'ring-full') return;
      this.held.shift();
    }
  }

  protected receive(frame: Uint8Array): InjectOutcome {
    if (!(this.cmd & CR.RE)) return { accepted: false, reason: 'rx-disabled' };
    if (frame.length === 0) return { accepted: false, reason: 'too-small' };
    if (frame.length + CRC_BYTES > MAX_RX_PACKET_BYTES) return { accepted: false, reason: 'too-large' };
    const status = this.addressFilter(frame);
    if (status === undefined) {
      // Receive is not enabled for this frame's address class (RCR). Reported as 'rx-disabled'
      // because InjectOutcome has no finer reason; `rxFiltered` counts these separately.
      this.rxFiltered++;
      return { accepted: false, reason: 'rx-disabled' };
    }

    const size = this.ringSize();
    const total = RX_HEADER_BYTES + frame.length + CRC_BYTES;
    // A frame is written only if it fits strictly inside the free space, so the write offset
    // never catches up with unread data (equal pointers would read as "empty").
    if (align4(total) >= this.rxFree()) {
      this.isr |= ISR.RXOVW;
      this.mpc = (this.mpc + 1) & MPC_MASK;
      return { accepted: false, reason: 'ring-full' };
    }

    // The packet is assembled in a scratch buffer (no allocation per frame) and DMAed in one write.
    const pkt = (this.rxScratchViews[total] ??= this.rxScratch.subarray(0, total));
    const length = frame.length + CRC_BYTES;
    pkt[0] = status & 0xff;
    pkt[1] = status >>> 8;
    pkt[2] = length & 0xff;
    pkt[3] = length >>> 8;
    pkt.set(frame, RX_HEADER_BYTES);
    const fcs = crc32(frame);
    for (let i = 0; i < CRC_BYTES; i++) pkt[RX_HEADER_BYTES + frame.length + i] = (fcs >>> (8 * i)) & 0xff;

    const offset = this.cbr;
    if (this.rcr & RCR.WRAP || offset + total <= size) {
      this.dmaWrite(this.rbstart + offset, pkt); // with WRAP: straight on into the overrun guard
    } else {
      const first = size - offset;
      this.dmaWrite(this.rbstart + offset, pkt.subarray(0, first));
      this.dmaWrite(this.rbstart, pkt.subarray(first));
    }
    this.cbr = align4(offset + total) % size;
    this.isr |= ISR.ROK;
    return { accepted: true, offset };
  }

  /** RCR address filter; returns the header status word, or undefined when the frame is not for us. */
  protected addressFilter(frame: Uint8Array): number | undefined {
    if (this.rcr & RCR.AAP) return RX_STATUS.ROK; // promiscuous: no address-class bits
    if (frame.length < 6) return undefined;
    const dst = frame.subarray(0, 6);
    const broadcast = dst.every((b) => b === 0xff);
    if (broadcast) return this.rcr & RCR.AB ? RX_STATUS.ROK | RX_STATUS.BAR : undefined;
    if ((dst[0] ?? 0) & 1) return this.rcr & RCR.AM && this.multicastHashHit(dst) ? RX_STATUS.ROK | RX_STATUS.MAR : undefined;
    const mine = dst.every((b, i) => b === this.idr[i]);
    return mine && this.rcr & RCR.APM ? RX_STATUS.ROK | RX_STATUS.PAM : undefined;
  }

  /**
   * MAR0-7 multicast hash: bit idx of the 64-bit filter, idx = top 6 bits of the MSB-first
   * Ethernet CRC register (no final inversion) over the destination. That register is the
   * bit reversal of the reflected CRC-32 before its final XOR, so its top 6 bits are the
   * reversed low 6 bits of ~crc32(dst).
   */
  protected multicastHashHit(dst: Uint8Array): boolean {
    const low = ~crc32(dst) & 0x3f;
    let idx = 0;
    for (let b = 0; b < 6; b++) idx |= ((low >>> b) & 1) << (5 - b);
    return ((this.plain[REG.MAR0 + (idx >>> 3)] ?? 0) >>> (idx & 7)) & 1 ? true : false;
  }

  // ---------------------------------------------------------------- DMA

  protected busMaster(): boolean {
    return this.opts.busMaster ? this.opts.busMaster() : true;
  }

  /** Without bus mastering the chip's DMA goes nowhere: writes are lost, reads see zeros. */
  protected dmaWrite(addr: number, bytes: Uint8Array): void {
    if (this.busMaster()) this.opts.memory.write(addr, bytes);
  }

  protected dmaRead(addr: number, length: number): Uint8Array {
    return this.busMaster() ? this.opts.memory.read(addr, length) : new Uint8Array(length);
  }

  // ---------------------------------------------------------------- outside views

  get wire(): readonly WireFrame[] {
    return this.wireLog;
  }

  /** Hands over the frames transmitted so far and forgets them (long runs: benchmarks). */
  takeWire(): WireFrame[] {
    return this.wireLog.splice(0);
  }

  /** The current station address (IDR0–5). */
  get mac(): Uint8Array {
    return this.idr.slice();
  }

  /** Register values for traces, read without side effects. */
  registers(): Record<string, number> {
    const r: Record<string, number> = {
      CR: (this.cmd & (CR.RE | CR.TE)) | (this.rstBusy > 0 ? CR.RST : 0) | (this.rxEmpty() ? CR.BUFE : 0),
      ISR: this.isr,
      IMR: this.imr,
      RCR: this.rcr,
      CAPR: this.capr,
      CBR: this.cbr,
      MPC: this.mpc,
      RBSTART: this.rbstart,
      CONFIG1: this.config1 | CONFIG1.MAPPED,
      TX_CURRENT: this.currTx,
    };
    for (let d = 0; d < HW_TX_DESCRIPTORS; d++) {
      r[`TSD${d}`] = this.tsd[d] ?? 0;
      r[`TSAD${d}`] = this.tsad[d] ?? 0;
    }
    for (let i = 0; i < 6; i++) r[`IDR${i}`] = this.idr[i] ?? 0;
    return r;
  }
}
