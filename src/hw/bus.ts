// The x86 port-I/O space. Drivers reach devices only through in/out of 8, 16 and 32 bits here,
// as the kernel does with inb/outb; devices own their register semantics behind a mapping.
// A tap lets tests and traces observe every access without reaching into driver state.

export type Width = 1 | 2 | 4;

/** A device decoding a window of I/O ports; `offset` is relative to the window's base. */
export interface IoDevice {
  readonly name: string;
  ioRead(offset: number, width: Width): number;
  ioWrite(offset: number, width: Width, value: number): void;
}

/** What a driver sees: the CPU's in/out instructions. */
export interface PortIo {
  inb(port: number): number;
  inw(port: number): number;
  inl(port: number): number;
  outb(port: number, value: number): void;
  outw(port: number, value: number): void;
  outl(port: number, value: number): void;
}

export interface IoAccess {
  dir: 'in' | 'out';
  port: number;
  width: Width;
  value: number;
  /** Name of the device that decoded the (first byte of the) access, absent when unmapped. */
  device?: string;
}

export type IoListener = (access: IoAccess) => void;

/** One window on the bus. `base` undefined means the device is not decoding (e.g. PCI I/O off). */
export interface IoMapping {
  readonly device: IoDevice;
  readonly size: number;
  base: number | undefined;
}

/** The x86 I/O space is 64 Ki ports. */
const PORT_MASK = 0xffff;

const widthMask = (w: Width): number => (w === 4 ? 0xffffffff : (1 << (w * 8)) - 1);

export class IoBus implements PortIo {
  private readonly mappings: IoMapping[] = [];
  private readonly listeners: IoListener[] = [];

  /** Maps `device` at [base, base+size). Later mappings take precedence over earlier ones. */
  map(device: IoDevice, base: number | undefined, size: number): IoMapping {
    const m: IoMapping = { device, size, base: base === undefined ? undefined : base & PORT_MASK };
    this.mappings.unshift(m);
    return m;
  }

  /** Observes every access for the bus's lifetime (a machine lives for one scenario). */
  tap(listener: IoListener): void {
    this.listeners.push(listener);
  }

  read(port: number, width: Width): number {
    const p = port & PORT_MASK;
    const m = this.find(p);
    let value: number;
    if (m && m.base !== undefined && p + width <= m.base + m.size) {
      value = (m.device.ioRead(p - m.base, width) & widthMask(width)) >>> 0;
    } else {
      // Unmapped bytes float high; an access straddling a window edge is split into bytes.
      value = 0;
      for (let i = 0; i < width; i++) value += this.readByte((p + i) & PORT_MASK) * 2 ** (8 * i);
    }
    if (this.listeners.length > 0) this.emit({ dir: 'in', port: p, width, value, ...(m ? { device: m.device.name } : {}) });
    return value;
  }

  write(port: number, width: Width, value: number): void {
    const p = port & PORT_MASK;
    const v = (value & widthMask(width)) >>> 0;
    const m = this.find(p);
    if (m && m.base !== undefined && p + width <= m.base + m.size) {
      m.device.ioWrite(p - m.base, width, v);
    } else {
      for (let i = 0; i < width; i++) this.writeByte((p + i) & PORT_MASK, (v >>> (8 * i)) & 0xff);
    }
    if (this.listeners.length > 0) this.emit({ dir: 'out', port: p, width, value: v, ...(m ? { device: m.device.name } : {}) });
  }

  inb = (port: number): number => this.read(port, 1);
  inw = (port: number): number => this.read(port, 2);
  inl = (port: number): number => this.read(port, 4);
  outb = (port: number, value: number): void => this.write(port, 1, value);
  outw = (port: number, value: number): void => this.write(port, 2, value);
  outl = (port: number, value: number): void => this.write(port, 4, value);

  private find(port: number): IoMapping | undefined {
    for (let i = 0; i < this.mappings.length; i++) {
      const m = this.mappings[i]!;
      if (m.base !== undefined && port >= m.base && port < m.base + m.size) return m;
    }
    return undefined;
  }

  private readByte(port: number): number {
    const m = this.find(port);
    return m && m.base !== undefined ? m.device.ioRead(port - m.base, 1) & 0xff : 0xff;
  }

  private writeByte(port: number, value: number): void {
    const m = this.find(port);
    if (m && m.base !== undefined) m.device.ioWrite(port - m.base, 1, value);
  }

  private emit(a: IoAccess): void {
    for (const l of this.listeners) l(a);
  }
}

