// Everything below the kernel, wired together: one port-I/O bus, one guest memory, one virtual
// clock, the PCI host with the RTL8139 on it, the 16550 at COM1, and the two drivers.
// createHardware() is the kernel's entry point; the extra Machine fields are for tests/traces.
import type { Hardware, HardwareOptions } from './api.ts';
import type { Profile } from '../spec/profile.ts';
import { seedProfile } from '../spec/profile.ts';
import { IoBus, type PortIo } from './bus.ts';
import { Clock } from './clock.ts';
import { GuestMemory, dmaLayout, type DmaLayout } from './memory.ts';
import { PCI_CONFIG_ADDRESS, PciHost, hostBridgeFunction, rtl8139PciFunction, type PciFunction, type PciLocation } from './pci.ts';
import { Rtl8139, type Rtl8139Options } from './rtl8139.ts';
import { RTL8139_IO_SIZE } from './rtl8139-regs.ts';
import { Uart16550, UART_IO_SIZE } from './uart16550.ts';
import { Rtl8139Driver } from '../drivers/rtl8139.ts';
import { SerialPort } from '../drivers/serial.ts';
import { SlipSerial } from '../drivers/slip-serial.ts';

/** QEMU's station address for its first NIC. */
export const DEFAULT_MAC = Uint8Array.of(0x52, 0x54, 0x00, 0x12, 0x34, 0x56);
/** QEMU (i440FX) puts the first added PCI NIC at 00:03.0. */
export const DEFAULT_NIC_PCI: PciLocation = { bus: 0, dev: 3, fn: 0 };

export interface MachineOptions extends HardwareOptions {
  /**
   * Where the RTL8139's PCI function sits. `null`: the chip has no PCI function and decodes
   * `nicIoBase` directly (exercises the driver's 0xC000 fallback). Default 00:03.0.
   */
  nicPci?: PciLocation | null;
  /** The I/O base firmware assigned to BAR0 (or decoded directly when nicPci is null). Default: the profile's fallback. */
  nicIoBase?: number;
  /** false: no RTL8139 reachable from the bus at all (the device exists only on the wire side). */
  nicPresent?: boolean;
  /** CR reads that still show RST after a reset request (exercises the driver's poll). Default 0. */
  rstBusyReads?: number;
  /** QEMU's RX back-pressure instead of the datasheet's drop (Rtl8139Options.rxBackPressure). */
  rxBackPressure?: boolean;
  /** Builds the RTL8139 model (default `new Rtl8139(opts)`); deliberately wrong chips for the mutants. */
  nicDevice?: (opts: Rtl8139Options) => Rtl8139;
  /** Builds the RTL8139 driver (default `new Rtl8139Driver(...)`); deliberately wrong drivers, on any hardware backend. */
  nicDriver?: NicDriverFactory;
}

/** What a driver is built over: the machine's bus, guest memory, DMA layout and profile. */
export interface NicDriverParts {
  bus: PortIo;
  memory: GuestMemory;
  layout: DmaLayout;
  profile: Profile;
}
export type NicDriverFactory = (parts: NicDriverParts) => Rtl8139Driver;

/** The driver `options` asks for over these parts (the reference one by default). */
export const buildNicDriver = (parts: NicDriverParts, options: MachineOptions): Rtl8139Driver =>
  options.nicDriver ? options.nicDriver(parts) : new Rtl8139Driver(parts.bus, parts.memory, parts.layout, parts.profile);

export interface Machine extends Hardware {
  profile: Profile;
  clock: Clock;
  bus: IoBus;
  memory: GuestMemory;
  layout: DmaLayout;
  pci: PciHost;
  /** The RTL8139's configuration space, undefined when it has none. */
  nicPciFunction: PciFunction | undefined;
  nic: Rtl8139;
  uart: Uart16550;
  nicDriver: Rtl8139Driver;
  serial: SerialPort;
  serialNet: SlipSerial;
}

export function createHardware(profile: Profile = seedProfile(), options: MachineOptions = {}): Machine {
  const clock = new Clock();
  const bus = new IoBus();
  const memory = new GuestMemory();
  const layout = dmaLayout(profile);

  const pci = new PciHost();
  bus.map(pci, PCI_CONFIG_ADDRESS, pci.ioSize);
  pci.attach({ bus: 0, dev: 0, fn: 0 }, hostBridgeFunction());

  const ioBase = options.nicIoBase ?? profile.defaults.nicIoFallback;
  const pciAt = options.nicPci === undefined ? DEFAULT_NIC_PCI : options.nicPci;
  const present = options.nicPresent ?? true;
  const nicPciFunction = present && pciAt ? rtl8139PciFunction(profile, ioBase) : undefined;

  const nicOptions: Rtl8139Options = {
    profile,
    memory,
    mac: options.mac ?? DEFAULT_MAC,
    ...(nicPciFunction ? { busMaster: () => nicPciFunction.busMaster() } : {}),
    ...(options.rstBusyReads !== undefined ? { rstBusyReads: options.rstBusyReads } : {}),
    ...(options.rxBackPressure ? { rxBackPressure: true } : {}),
  };
  const nic = options.nicDevice ? options.nicDevice(nicOptions) : new Rtl8139(nicOptions);
  if (present) {
    if (nicPciFunction && pciAt) {
      pci.attach(pciAt, nicPciFunction);
      // The chip decodes wherever BAR0 points, and only while I/O decoding is on.
      const window = bus.map(nic, nicPciFunction.ioBase(), RTL8139_IO_SIZE);
      nicPciFunction.onWrite = () => {
        window.base = nicPciFunction.ioBase();
      };
    } else {
      bus.map(nic, ioBase, RTL8139_IO_SIZE);
    }
  }

  const uart = new Uart16550({ profile, clock });
  bus.map(uart, profile.defaults.comBase, UART_IO_SIZE);

  const nicDriver = buildNicDriver({ bus, memory, layout, profile }, options);
  const serial = new SerialPort(bus, profile);
  const serialNet = new SlipSerial(serial, profile);

  return { profile, clock, bus, memory, layout, pci, nicPciFunction, nic, uart, nicDriver, serial, serialNet };
}

export type { IoAccess, PortIo } from './bus.ts';
