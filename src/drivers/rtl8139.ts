// rtl8139.rs as documented (spec-notes §6): PCI discovery, the init register sequence, the
// polled RX ring reader and the round-robin TX path. Registers are reached only through port
// I/O; RX_BUFFER and TX_BUFFERS are kernel memory the driver reads and writes directly.
import type { NicDriver } from '../hw/api.ts';
import type { PortIo } from '../hw/bus.ts';
import type { DmaLayout, GuestMemory } from '../hw/memory.ts';
import type { Profile } from '../spec/profile.ts';
import { err, ok, type Result } from '../util/result.ts';
import { PCI_CFG, PCI_COMMAND, PCI_CONFIG_ADDRESS, pciAddress, type PciLocation } from '../hw/pci.ts';
import { CR, ISR, RCR, REG, RX_HEADER_BYTES, align4 } from '../hw/rtl8139-regs.ts';

const PCI_CONFIG_DATA = PCI_CONFIG_ADDRESS + 4;
/** The documented scan: 256 buses × 32 devices × 8 functions. */
const PCI_BUSES = 256;
const PCI_DEVICES = 32;
const PCI_FUNCTIONS = 8;

/** Documented init values (spec-notes §6). */
const INIT = {
  CONFIG1: 0x00, // power on (LWAKE/LWPTN low)
  CR_RESET: CR.RST,
  CR_ENABLE: CR.RE | CR.TE, // 0x0C
  RCR: RCR.AAP | RCR.APM | RCR.AM | RCR.AB | RCR.WRAP, // 0x0F | 0x80
  IMR: ISR.ROK | ISR.TOK, // 0x0005
} as const;

/**
 * r2 spins on CR.RST forever; a missing or wedged chip would hang the reference. This bound
 * (far above any real chip's reset time in polls) turns that into an error instead.
 */
export const RESET_POLL_LIMIT = 100_000;

export interface PciFound {
  ioBase: number;
  at: PciLocation | undefined;
}

export class Rtl8139Driver implements NicDriver {
  protected readonly io: PortIo;
  protected readonly memory: GuestMemory;
  protected readonly layout: DmaLayout;
  protected readonly profile: Profile;
  protected ioBase: number | undefined;
  /** rtl8139.rs RX_OFFSET: the next header's ring offset, kept modulo the ring size. */
  protected RX_OFFSET = 0;
  /** rtl8139.rs TX_INDEX: the descriptor the next frame uses. */
  protected TX_INDEX = 0;
  /** Frames read from the ring but dropped (too short / too long for the caller). */
  dropped = 0;

  constructor(io: PortIo, memory: GuestMemory, layout: DmaLayout, profile: Profile) {
    this.io = io;
    this.memory = memory;
    this.layout = layout;
    this.profile = profile;
  }

  get txIndex(): number {
    return this.TX_INDEX;
  }

  get rxOffset(): number {
    return this.RX_OFFSET;
  }

  /** The I/O base found by init(), undefined before. */
  get base(): number | undefined {
    return this.ioBase;
  }

  /** find_io_base: first function with the RTL8139's vendor/device; BAR0 bit 0 → I/O base. */
  findIoBase(): PciFound {
    const { pciVendor, pciDevice, nicIoFallback } = this.profile.defaults;
    const want = ((pciDevice << 16) | pciVendor) >>> 0;
    for (let bus = 0; bus < PCI_BUSES; bus++) {
      for (let dev = 0; dev < PCI_DEVICES; dev++) {
        for (let fn = 0; fn < PCI_FUNCTIONS; fn++) {
          const at = { bus, dev, fn };
          if (this.configRead(at, PCI_CFG.VENDOR) !== want) continue;
          const bar0 = this.configRead(at, PCI_CFG.BAR0);
          if (bar0 & 1) return { ioBase: bar0 & 0xfffc, at };
        }
      }
    }
    return { ioBase: nicIoFallback, at: undefined };
  }

  protected configRead(at: PciLocation, offset: number): number {
    this.io.outl(PCI_CONFIG_ADDRESS, pciAddress(at, offset));
    return this.io.inl(PCI_CONFIG_DATA) >>> 0;
  }

  protected enableBusMastering(at: PciLocation): void {
    const cmdStatus = this.configRead(at, PCI_CFG.COMMAND);
    // Write the command word only: writing the status half would clear its RW1C bits.
    this.io.outl(PCI_CONFIG_ADDRESS, pciAddress(at, PCI_CFG.COMMAND));
    this.io.outw(PCI_CONFIG_DATA, (cmdStatus & 0xffff) | PCI_COMMAND.BUS_MASTER);
  }

  init(): Result<{ ioBase: number }> {
    const found = this.findIoBase();
    const io = found.ioBase;
    // Without a PCI function (fallback) there is no command register to set.
    if (found.at) this.enableBusMastering(found.at);
    this.io.outb(io + REG.CONFIG1, INIT.CONFIG1);
    this.io.outb(io + REG.CR, INIT.CR_RESET);
    let polls = 0;
    while (this.io.inb(io + REG.CR) & CR.RST) {
      if (++polls >= RESET_POLL_LIMIT) {
        return err('device', 'rtl8139.init', `software reset did not complete (CR.RST still set at I/O 0x${io.toString(16)})`);
      }
    }
    this.io.outl(io + REG.RBSTART, this.layout.rxRing);
    this.io.outb(io + REG.CR, INIT.CR_ENABLE);
    this.io.outl(io + REG.RCR, INIT.RCR);
    this.io.outw(io + REG.IMR, INIT.IMR);
    // The chip's reset restarted its write offset and TX pointer at 0; the driver's must match.
    this.RX_OFFSET = 0;
    this.TX_INDEX = 0;
    this.ioBase = io;
    return ok({ ioBase: io });
  }

  /** read_mac_addr: IDR0–5. Before init there is no I/O base: six zero bytes. */
  readMacAddr(): Uint8Array {
    const mac = new Uint8Array(6);
    const io = this.ioBase;
    if (io === undefined) return mac;
    for (let i = 0; i < 6; i++) mac[i] = this.io.inb(io + REG.IDR0 + i);
    return mac;
  }

  receiveFrame(into: Uint8Array): number {
    const io = this.ioBase;
    if (io === undefined) return 0;
    const ring = this.profile.limits.rxRingBytes;
    const capr = this.io.inw(io + REG.CAPR);
    const cbr = this.io.inw(io + REG.CBR);
    if (((capr + 16) & 0xffff) === cbr) return 0; // empty
    this.io.outw(io + REG.ISR, ISR.ROK); // acknowledge (write 1 to clear)

    const at = this.layout.rxRing + (this.RX_OFFSET % ring);
    // The header length counts the 4 CRC bytes; receive_frame copies and returns all of it, so
    // every delivered frame ends with its CRC (nic.rx.deliver-includes-crc).
    const length = this.memory.readU16LE(at + 2);

    // The limits are on the length copied (nic.rx.drop-thresholds-on-frame).
    const keep = length >= this.profile.limits.minRxFrame && length <= into.length;
    // Copy before CAPR moves (nic.rx.copy-before-capr): the CAPR write hands the bytes back to the
    // chip, and one holding a frame (QEMU's back-pressure) writes it there at once. WRAP is set,
    // so the frame is contiguous in memory even past the ring end (in the guard).
    if (keep) this.memory.readInto(at + RX_HEADER_BYTES, length, into);
    else this.dropped++;

    // A dropped frame is consumed too, or the ring would stall on it.
    this.RX_OFFSET = align4(this.RX_OFFSET + length + RX_HEADER_BYTES) % ring;
    this.io.outw(io + REG.CAPR, (this.RX_OFFSET - 16) & 0xffff);
    return keep ? length : 0;
  }

  sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }> {
    const io = this.ioBase;
    if (io === undefined) return err('device', 'rtl8139.send_frame', 'driver not initialised');
    if (!Number.isSafeInteger(len) || len < 0) {
      return err('invalid-argument', 'rtl8139.send_frame', `length ${len} is not a non-negative integer`);
    }
    const l = this.profile.limits;
    const sendLen = Math.max(len, l.minEthernetFrame);
    if (sendLen > l.txBufferBytes) return err('too-large', 'rtl8139.send_frame', 'Frame too large');
    if (len > data.length) {
      return err('invalid-argument', 'rtl8139.send_frame', `length ${len} exceeds the ${data.length} bytes supplied`);
    }
    const i = this.TX_INDEX;
    const buf = this.layout.txBuffers[i];
    if (buf === undefined) return err('device', 'rtl8139.send_frame', `no TX buffer for descriptor ${i}`);
    this.memory.write(buf, data.subarray(0, len));
    // Zero the padding: the buffer may still hold the tail of an earlier, longer frame.
    this.memory.fill(buf + len, sendLen - len, 0);
    this.io.outl(io + REG.TSAD0 + 4 * i, buf);
    this.io.outl(io + REG.TSD0 + 4 * i, sendLen); // starts the DMA; no completion poll
    this.TX_INDEX = (i + 1) % l.txDescriptors;
    return ok({ descriptor: i, sendLen });
  }
}
