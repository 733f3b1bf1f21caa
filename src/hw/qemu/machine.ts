// A Machine (src/hw/index.ts) whose devices are QEMU's: the port-I/O bus forwards every access to
// qtest, guest memory is QEMU's RAM, the NIC's and the UART's outsides are QEMU's wire and serial
// line. The reference drivers run on it unchanged. One QEMU per device configuration is kept and
// brought back to reset state for each scenario (a system reset through port 0xCF9, RAM the last
// scenario wrote zeroed, the firmware's PCI setup redone); a QEMU that is holding frames or bytes
// the last scenario left behind is replaced by a fresh one instead.
import type { Profile } from '../../spec/profile.ts';
import { ImplementationError } from '../../iut/contract.ts';
import { IoBus, type IoDevice, type Width } from '../bus.ts';
import { Clock } from '../clock.ts';
import { dmaLayout } from '../memory.ts';
import { DEFAULT_MAC, DEFAULT_NIC_PCI, buildNicDriver, type Machine, type MachineOptions } from '../index.ts';
import { REG } from '../rtl8139-regs.ts';
import { PCI_CFG, PCI_COMMAND, PCI_CONFIG_ADDRESS, PciHost, pciAddress } from '../pci.ts';
import { SerialPort } from '../../drivers/serial.ts';
import { SlipSerial } from '../../drivers/slip-serial.ts';
import { QemuMemory } from './memory.ts';
import { QemuNic } from './nic.ts';
import { dropUnfed, QemuUart } from './uart.ts';
import { configKey, QEMU_BINARY, QemuProcess, type QemuConfig } from './process.ts';
import { QemuError } from './qtest.ts';
import { nap } from './sync.ts';

/** A scenario asks for hardware QEMU cannot be made into (the case is not applicable there). */
export class QemuUnsupported extends ImplementationError {
  constructor(message: string) {
    super(message, 'not-applicable');
    this.name = 'QemuUnsupported';
  }
}

/** pc machine slots taken before the RTL8139: the host bridge (0) and the PIIX3 (1). */
const TAKEN_SLOTS = new Set([0, 1]);
/** RAM zeroed at each reset beyond what the last scenario wrote: the RX ring, its guard, the TX buffers. */
const CLEAR_WINDOW = { at: 0x0010_0000, bytes: 0x0004_0000 };
const RESET_WAIT_MS = 2000;

/** What setup's options make of QEMU, or why QEMU cannot be that machine. */
export function qemuConfig(o: MachineOptions): QemuConfig {
  // rxBackPressure is QEMU's own behaviour: asked for or not, QEMU shows it.
  if (o.rstBusyReads) throw new QemuUnsupported(`QEMU's RTL8139 finishes a reset at once: 'resetBusyReads' ${o.rstBusyReads} cannot be reproduced`);
  if (o.nicPci === null) throw new QemuUnsupported(`QEMU's RTL8139 is a PCI device: a chip decoding a fixed port without a PCI function cannot be reproduced`);
  const at = o.nicPci ?? DEFAULT_NIC_PCI;
  if (at.bus !== 0 || at.fn !== 0 || TAKEN_SLOTS.has(at.dev)) throw new QemuUnsupported(`the QEMU backend places the RTL8139 at bus 0, function 0, slots 2-31: ${at.bus}:${at.dev}.${at.fn} cannot be reproduced`);
  return { mac: o.mac ?? DEFAULT_MAC, nicDev: o.nicPresent === false ? null : at.dev };
}

/** Every port of the x86 I/O space, decoded by QEMU. */
const portsOf = (q: QemuProcess): IoDevice => ({
  name: 'qemu',
  ioRead: (offset: number, width: Width) => q.qtest.inp(offset, width),
  ioWrite: (offset: number, width: Width, value: number) => q.qtest.out(offset, width, value),
});

/** The RAM ranges a scenario wrote (driver and device), zeroed before the next one. */
class Touched {
  ranges: [number, number][] = [];
  add(addr: number, length: number): void {
    if (length > 0) this.ranges.push([addr, length]);
  }
}

export interface QemuMachine extends Machine {
  qemu: QemuProcess;
}

export class QemuBackend {
  readonly #pool = new Map<string, QemuProcess>();
  readonly #touched = new WeakMap<QemuProcess, Touched>();
  /** QEMU starts and resets, for notes and benchmarks. */
  readonly stats = { starts: 0, resets: 0, startMs: 0, resetMs: 0 };

  constructor(
    readonly profile: Profile,
    readonly timeoutMs = 10_000,
    /** How many QEMUs (device configurations) stay alive at once. */
    readonly keep = 2,
    /** The QEMU to start (tests give a broken one). */
    readonly binary = QEMU_BINARY,
  ) {}

  /** A machine in reset state with the devices `o` asks for (throws QemuUnsupported, QemuError). */
  machine(o: MachineOptions = {}): QemuMachine {
    const config = qemuConfig(o);
    const q = this.#ready(config);
    const ioBase = o.nicIoBase ?? this.profile.defaults.nicIoFallback;
    this.#firmware(q, config, ioBase);
    // Neither the system reset nor CR.RST clears QEMU's MPC (measured: 1 after both); any
    // write clears it, as on the RTL8139.
    if (config.nicDev !== null) q.qtest.out((ioBase & 0xff00) + REG.MPC, 4, 0);
    return this.#assemble(q, config, ioBase, o);
  }

  #ready(config: QemuConfig): QemuProcess {
    const key = configKey(config);
    let q = this.#pool.get(key);
    if (q && (!q.alive() || q.heldFrames() > 0 || q.heldByNic)) {
      q.stop();
      q = undefined;
    }
    if (q) {
      try {
        dropUnfed(q);
        this.#reset(q);
        return q;
      } catch {
        q.stop(); // a QEMU that does not come back from reset is replaced
      }
    }
    this.#pool.delete(key);
    while (this.#pool.size >= this.keep) {
      const [k, old] = this.#pool.entries().next().value as [string, QemuProcess];
      old.stop();
      this.#pool.delete(k);
    }
    const t0 = performance.now();
    q = new QemuProcess(config, this.timeoutMs, this.binary);
    this.stats.starts++;
    this.stats.startMs += performance.now() - t0;
    this.#pool.set(key, q);
    this.#touched.set(q, new Touched());
    return q;
  }

  /** System reset (PIIX3 reset control, 0xCF9), awaited through the UART's scratch register. */
  #reset(q: QemuProcess): void {
    const t0 = performance.now();
    const scr = this.profile.defaults.comBase + 7;
    q.qtest.out(scr, 1, 0x5a);
    q.qtest.out(0xcf9, 1, 0x06);
    const deadline = performance.now() + RESET_WAIT_MS;
    while (q.qtest.inp(scr, 1) !== 0) {
      if (performance.now() > deadline) throw new QemuError(`QEMU did not come back from a system reset within ${RESET_WAIT_MS} ms${q.stderrNote()}`, 'timeout');
      nap(0.1);
    }
    const t = this.#touched.get(q);
    for (const [at, n] of [...(t?.ranges ?? []), [CLEAR_WINDOW.at, CLEAR_WINDOW.bytes] as [number, number]]) q.qtest.fill(at, n, 0);
    if (t) t.ranges = [];
    this.stats.resets++;
    this.stats.resetMs += performance.now() - t0;
  }

  /** What firmware leaves for the driver: BAR0 at the I/O base, I/O decoding on (src/hw/pci.ts). */
  #firmware(q: QemuProcess, config: QemuConfig, ioBase: number): void {
    if (config.nicDev === null) return;
    const cfg = (offset: number, width: Width, value: number): void => {
      q.qtest.out(PCI_CONFIG_ADDRESS, 4, pciAddress({ bus: 0, dev: config.nicDev!, fn: 0 }, offset & 0xfc));
      q.qtest.out(PCI_CONFIG_ADDRESS + 4 + (offset & 3), width, value);
    };
    cfg(PCI_CFG.BAR0, 4, (ioBase & 0xff00) | 1);
    cfg(PCI_CFG.COMMAND, 2, PCI_COMMAND.IO);
    q.qtest.out(PCI_CONFIG_ADDRESS, 4, 0);
  }

  #assemble(q: QemuProcess, config: QemuConfig, ioBase: number, o: MachineOptions): QemuMachine {
    const profile = this.profile;
    const clock = new Clock();
    const bus = new IoBus();
    bus.map(portsOf(q), 0, 0x10000);
    const memory = new QemuMemory(q.qtest);
    const touched = this.#touched.get(q)!;
    memory.tap((addr, length) => touched.add(addr, length));
    const layout = dmaLayout(profile);
    const nic = new QemuNic(q, memory, profile.limits.rxRingBytes, ioBase, config.mac);
    q.heldByNic = false;
    nic.forget();
    nic.onHeld = () => {
      q.heldByNic = true; // QEMU queues it: the next scenario gets a fresh QEMU, never this frame
    };
    nic.watch(bus);
    const uart = new QemuUart(q, profile.defaults.comBase, clock);
    uart.forgetLine();
    uart.watch(bus);
    const nicDriver = buildNicDriver({ bus, memory, layout, profile }, o);
    const serial = new SerialPort(bus, profile);
    const serialNet = new SlipSerial(serial, profile);
    const m = { profile, clock, bus, memory, layout, pci: new PciHost(), nicPciFunction: undefined, nic, uart, nicDriver, serial, serialNet, qemu: q };
    return m as unknown as QemuMachine;
  }

  close(): void {
    for (const q of this.#pool.values()) q.stop();
    this.#pool.clear();
  }
}
