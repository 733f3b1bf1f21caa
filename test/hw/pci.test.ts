import { describe, expect, it } from 'vitest';
import { IoBus } from '../../src/hw/bus.ts';
import { PciHost, hostBridgeFunction, pciAddress, rtl8139PciFunction } from '../../src/hw/pci.ts';
import { createHardware } from '../../src/hw/index.ts';
import { seedProfile } from '../../src/spec/profile.ts';

const profile = seedProfile();

function setup() {
  const bus = new IoBus();
  const host = new PciHost();
  bus.map(host, 0xcf8, 8);
  host.attach({ bus: 0, dev: 0, fn: 0 }, hostBridgeFunction());
  const nic = rtl8139PciFunction(profile, 0xc100);
  host.attach({ bus: 1, dev: 5, fn: 2 }, nic);
  const cfg = (b: number, d: number, f: number, off: number) => {
    bus.outl(0xcf8, (0x80000000 | (b << 16) | (d << 11) | (f << 8) | (off & 0xfc)) >>> 0);
    return bus.inl(0xcfc);
  };
  return { bus, host, nic, cfg };
}

describe('PCI configuration mechanism #1', () => {
  it('builds the documented address', () => {
    expect(pciAddress({ bus: 1, dev: 5, fn: 2 }, 0x13)).toBe((0x80000000 | (1 << 16) | (5 << 11) | (2 << 8) | 0x10) >>> 0);
  });

  it('presents the RTL8139 with vendor 0x10EC, device 0x8139, an I/O BAR0 and class ethernet', () => {
    const { cfg } = setup();
    expect(cfg(1, 5, 2, 0x00)).toBe(((0x8139 << 16) | 0x10ec) >>> 0);
    expect(cfg(1, 5, 2, 0x10)).toBe(0xc101);
    expect(cfg(1, 5, 2, 0x08) >>> 8).toBe(0x020000);
    expect(cfg(1, 5, 2, 0x04) & 0xffff).toBe(0x0001); // I/O decode on, bus mastering off
    expect(cfg(0, 0, 0, 0x00)).toBe((0x1237 << 16) | 0x8086);
  });

  it('reads all ones for absent functions and when the enable bit is clear', () => {
    const { bus, cfg } = setup();
    expect(cfg(0, 3, 0, 0)).toBe(0xffffffff);
    expect(cfg(255, 31, 7, 0)).toBe(0xffffffff);
    bus.outl(0xcf8, (1 << 16) | (5 << 11) | (2 << 8));
    expect(bus.inl(0xcfc)).toBe(0xffffffff);
    bus.outl(0xcf8, 0x12345678);
    expect(bus.inl(0xcf8)).toBe(0x12345678);
    expect(bus.inb(0xcf8)).toBe(0xff); // only dword accesses hit CONFIG_ADDRESS
    bus.outb(0xcf8, 0);
    expect(bus.inl(0xcf8)).toBe(0x12345678);
    bus.outl(0xcf8, 0x80000000 | (3 << 11));
    bus.outl(0xcfc, 0xffffffff); // write to an absent function: ignored
  });

  it('gives byte and word access inside the selected dword', () => {
    const { bus } = setup();
    bus.outl(0xcf8, pciAddress({ bus: 1, dev: 5, fn: 2 }, 0));
    expect(bus.inw(0xcfe)).toBe(0x8139);
    expect(bus.inb(0xcfd)).toBe(0x10);
  });

  it('honours write masks: command bits, BAR sizing, read-only IDs', () => {
    const { bus, nic, cfg } = setup();
    const at = pciAddress({ bus: 1, dev: 5, fn: 2 }, 0x04);
    bus.outl(0xcf8, at);
    bus.outw(0xcfc, 0x0005);
    expect(nic.busMaster()).toBe(true);
    expect(nic.ioBase()).toBe(0xc100);
    bus.outl(0xcf8, pciAddress({ bus: 1, dev: 5, fn: 2 }, 0x10));
    bus.outl(0xcfc, 0xffffffff);
    expect(cfg(1, 5, 2, 0x10)).toBe(0xffffff01); // 256-byte I/O BAR
    bus.outl(0xcf8, pciAddress({ bus: 1, dev: 5, fn: 2 }, 0x10));
    bus.outl(0xcfc, 0xd000);
    expect(nic.ioBase()).toBe(0xd000);
    bus.outl(0xcf8, pciAddress({ bus: 1, dev: 5, fn: 2 }, 0));
    bus.outl(0xcfc, 0);
    expect(cfg(1, 5, 2, 0) & 0xffff).toBe(0x10ec);
    bus.outl(0xcf8, at);
    bus.outw(0xcfc, 0x0000);
    expect(nic.ioBase()).toBeUndefined(); // I/O decoding off
  });

  it('moves the NIC I/O window when BAR0 or the command register changes (machine wiring)', () => {
    const m = createHardware(profile, { nicIoBase: 0xc000 });
    const fn = m.nicPciFunction;
    expect(fn).toBeDefined();
    expect(m.bus.inb(0xc000)).toBe(0x52);
    fn?.write(0x10, 4, 0xe001);
    expect(m.bus.inb(0xc000)).toBe(0xff);
    expect(m.bus.inb(0xe000)).toBe(0x52);
    fn?.write(0x04, 2, 0);
    expect(m.bus.inb(0xe000)).toBe(0xff);
  });
});
