// PCI configuration mechanism #1: a dword address latch at 0xCF8 and a data window at
// 0xCFC–0xCFF. Each function has a 256-byte configuration space with a write mask; absent
// functions (and accesses with the enable bit clear) read all ones, as on a real host bridge.
import type { IoDevice, Width } from './bus.ts';
import type { Profile } from '../spec/profile.ts';

export const PCI_CONFIG_ADDRESS = 0xcf8;
/** CONFIG_ADDRESS (4 ports) followed by CONFIG_DATA (4 ports). */
export const PCI_IO_SIZE = 8;
export const PCI_ENABLE = 0x8000_0000;

export const PCI_CFG = { VENDOR: 0x00, DEVICE: 0x02, COMMAND: 0x04, STATUS: 0x06, REVISION: 0x08, CLASS: 0x09, HEADER_TYPE: 0x0e, BAR0: 0x10, SUBSYS_VENDOR: 0x2c, SUBSYS_ID: 0x2e, INT_LINE: 0x3c, INT_PIN: 0x3d } as const;
export const PCI_COMMAND = { IO: 0x0001, MEMORY: 0x0002, BUS_MASTER: 0x0004 } as const;

export interface PciLocation {
  bus: number;
  dev: number;
  fn: number;
}

/** CONFIG_ADDRESS value for a location and register offset. */
export const pciAddress = (l: PciLocation, offset: number): number =>
  (PCI_ENABLE | ((l.bus & 0xff) << 16) | ((l.dev & 0x1f) << 11) | ((l.fn & 0x07) << 8) | (offset & 0xfc)) >>> 0;

const locationKey = (l: PciLocation): number => ((l.bus & 0xff) << 8) | ((l.dev & 0x1f) << 3) | (l.fn & 0x07);

export class PciFunction {
  readonly config = new Uint8Array(256);
  /** Bits software may change; everything else is read-only. */
  readonly wmask = new Uint8Array(256);
  /** Called after each configuration write (e.g. to move the I/O window when BAR0 changes). */
  onWrite: ((offset: number, width: Width) => void) | undefined;

  read(offset: number, width: Width): number {
    // Little-endian bytes, assembled without a loop (the chip asks for COMMAND on every DMA).
    // Every caller stays inside the space: the host's data window ends at 0xCFF (the bus splits
    // an access that straddles it into bytes), so at + width <= 256.
    const c = this.config;
    const at = offset & 0xff;
    if (width === 1) return c[at]!;
    if (width === 2) return c[at]! | (c[at + 1]! << 8);
    return (c[at]! | (c[at + 1]! << 8) | (c[at + 2]! << 16) | (c[at + 3]! << 24)) >>> 0;
  }

  write(offset: number, width: Width, value: number): void {
    for (let i = 0; i < width; i++) {
      const at = (offset + i) & 0xff;
      const m = this.wmask[at] ?? 0;
      this.config[at] = ((this.config[at] ?? 0) & ~m) | ((value >>> (8 * i)) & m);
    }
    this.onWrite?.(offset, width);
  }

  /** Initial (firmware-assigned) value, bypassing the write mask. */
  set(offset: number, width: Width, value: number, writable = 0): void {
    for (let i = 0; i < width; i++) {
      this.config[offset + i] = (value >>> (8 * i)) & 0xff;
      this.wmask[offset + i] = (writable >>> (8 * i)) & 0xff;
    }
  }

  command(): number {
    return this.read(PCI_CFG.COMMAND, 2);
  }

  busMaster(): boolean {
    return (this.command() & PCI_COMMAND.BUS_MASTER) !== 0;
  }

  /** The I/O base BAR0 decodes, or undefined when I/O decoding is off or BAR0 is not an I/O BAR. */
  ioBase(): number | undefined {
    const bar = this.read(PCI_CFG.BAR0, 4);
    if (!(this.command() & PCI_COMMAND.IO) || !(bar & 1)) return undefined;
    return bar & 0xfffc & 0xffff;
  }
}

export class PciHost implements IoDevice {
  readonly name = 'pci-host';
  readonly ioSize = PCI_IO_SIZE;
  private address = 0;
  private readonly functions = new Map<number, PciFunction>();

  attach(at: PciLocation, fn: PciFunction): void {
    this.functions.set(locationKey(at), fn);
  }

  private selected(): PciFunction | undefined {
    if (!(this.address & PCI_ENABLE)) return undefined;
    return this.functions.get((this.address >>> 8) & 0xffff);
  }

  ioRead(offset: number, width: Width): number {
    const ones = width === 4 ? 0xffffffff : (1 << (width * 8)) - 1;
    if (offset < 4) return offset === 0 && width === 4 ? this.address : ones; // only dword hits CONFIG_ADDRESS
    const fn = this.selected();
    return fn ? fn.read((this.address & 0xfc) + (offset - 4), width) : ones;
  }

  ioWrite(offset: number, width: Width, value: number): void {
    if (offset < 4) {
      if (offset === 0 && width === 4) this.address = value >>> 0;
      return;
    }
    this.selected()?.write((this.address & 0xfc) + (offset - 4), width, value);
  }
}

/** Size of the RTL8139's I/O BAR (bits below it read as zero when sizing). */
const RTL8139_BAR0_SIZE = 0x100;
/** [hw] RTL8139 revision and subsystem IDs as QEMU presents the card. */
const RTL8139_REVISION = 0x20;
const QEMU_SUBSYS_VENDOR = 0x1af4;
const QEMU_SUBSYS_ID = 0x1100;
const CLASS_ETHERNET = 0x020000;
const CLASS_HOST_BRIDGE = 0x060000;
/** [hw] the i440FX host bridge QEMU puts at 00:00.0 (revision 0x02 as QEMU 7.2 reads it); scanning must skip it. */
const I440FX = { vendor: 0x8086, device: 0x1237, revision: 0x02 } as const;

/**
 * The RTL8139's configuration space as firmware leaves it: BAR0 assigned to `ioBase` (I/O BAR,
 * bit 0 set), I/O decoding on, bus mastering off (the driver must enable it).
 */
export function rtl8139PciFunction(profile: Profile, ioBase: number): PciFunction {
  const f = new PciFunction();
  f.set(PCI_CFG.VENDOR, 2, profile.defaults.pciVendor);
  f.set(PCI_CFG.DEVICE, 2, profile.defaults.pciDevice);
  f.set(PCI_CFG.COMMAND, 2, PCI_COMMAND.IO, 0x0147); // I/O, memory, bus master, parity, SERR
  f.set(PCI_CFG.REVISION, 1, RTL8139_REVISION);
  f.set(PCI_CFG.CLASS, 2, CLASS_ETHERNET & 0xffff);
  f.set(PCI_CFG.CLASS + 2, 1, CLASS_ETHERNET >>> 16);
  f.set(PCI_CFG.BAR0, 4, ((ioBase & ~(RTL8139_BAR0_SIZE - 1)) | 1) >>> 0, ~(RTL8139_BAR0_SIZE - 1) >>> 0);
  f.set(PCI_CFG.SUBSYS_VENDOR, 2, QEMU_SUBSYS_VENDOR);
  f.set(PCI_CFG.SUBSYS_ID, 2, QEMU_SUBSYS_ID);
  f.set(PCI_CFG.INT_LINE, 1, 0x0b, 0xff);
  f.set(PCI_CFG.INT_PIN, 1, 1); // INTA#
  return f;
}

export function hostBridgeFunction(): PciFunction {
  const f = new PciFunction();
  f.set(PCI_CFG.VENDOR, 2, I440FX.vendor);
  f.set(PCI_CFG.DEVICE, 2, I440FX.device);
  f.set(PCI_CFG.COMMAND, 2, 0x0006);
  f.set(PCI_CFG.REVISION, 1, I440FX.revision);
  f.set(PCI_CFG.CLASS, 2, CLASS_HOST_BRIDGE & 0xffff);
  f.set(PCI_CFG.CLASS + 2, 1, CLASS_HOST_BRIDGE >>> 16);
  return f;
}
