// The seam between the device layer (src/hw, src/drivers) and the kernel (src/kernel).
// The kernel sees hardware only through these interfaces; tests and the IUT contract see the
// "outside" of each device (the wire, the serial line, counters) through the *Outside types.
import type { Result } from '../util/result.ts';
import type { IoListener, PortIo } from './bus.ts';

/** One frame the NIC put on the wire (after a TSD write). */
export interface WireFrame {
  /** TX descriptor index 0..txDescriptors-1 used for this frame. */
  descriptor: number;
  /** Value of TSAD[descriptor] when TSD was written. */
  tsad: number;
  /** Value written to TSD[descriptor]. */
  tsd: number;
  /** Exactly the bytes the device transmitted (TSD & 0x1FFF bytes from TSAD). */
  bytes: Uint8Array;
}

/** What happened to a frame offered to the NIC from the wire. */
export type InjectOutcome =
  | { accepted: true; offset: number } // written at this ring offset (CBR before the write)
  | {
      accepted: false;
      reason: 'ring-full' | 'rx-disabled' | 'too-large' | 'too-small';
      /** Refused for now, not dropped: the chip holds it and writes it once the driver frees room (QEMU's back-pressure; reason 'ring-full'). */
      held?: true;
    };

/** The RTL8139 as seen from outside the guest. */
export interface NicOutside {
  inject(frame: Uint8Array): InjectOutcome;
  readonly wire: readonly WireFrame[];
  /** Register values by name for traces: CR, ISR, IMR, RCR, CAPR, CBR, MPC, RBSTART, TSD0.., TSAD0.. */
  registers(): Record<string, number>;
  readonly mac: Uint8Array;
}

/** One byte the UART shifted out, with the virtual time (seconds since reset) its stop bit ended. */
export interface LineByte {
  byte: number;
  time: number;
}

export interface UartOutside {
  readonly line: readonly LineByte[];
  /** Bytes arriving on the serial line towards the guest. */
  feed(bytes: Uint8Array): void;
  /** Divisor latch, LCR, etc. for traces. */
  registers(): Record<string, number>;
}

/** The rtl8139 driver as the kernel uses it (rtl8139.rs). */
export interface NicDriver {
  /** Documented init sequence; caches nothing in the kernel (netdrv does that). */
  init(): Result<{ ioBase: number }>;
  readMacAddr(): Uint8Array;
  /**
   * Reads one frame from the RX ring into `into` (the caller's buffer, NET_FRAME_BUF in the
   * kernel). Returns the frame length, or 0 when the ring is empty or the frame was dropped.
   */
  receiveFrame(into: Uint8Array): number;
  /** Pads to the minimum frame, copies into TX_BUFFERS[TX_INDEX], starts DMA, advances TX_INDEX. */
  sendFrame(data: Uint8Array, len: number): Result<{ descriptor: number; sendLen: number }>;
  /** Current TX_INDEX, for traces. */
  readonly txIndex: number;
}

/** serial.rs + slip.rs + ipv4::send_packet as the kernel uses them. */
export interface SerialNet {
  init(): void;
  /** SLIP-encodes the datagram and writes it byte by byte to the UART; an encoding over the SLIP buffer sends nothing. */
  sendPacket(datagram: Uint8Array): Result<{ encodedBytes: number }>;
  /** Drains whatever the UART has received through the SLIP decoder; returns complete datagrams. */
  pollReceive(): Uint8Array[];
}

/** Virtual time: the only clock. Advanced by the scheduler's PIT tick (or by tests). */
export interface VirtualClock {
  /** Seconds since reset. */
  now(): number;
  advance(seconds: number): void;
}

/** Everything below the kernel, wired together over one port-I/O bus and one guest memory. */
export interface Hardware {
  clock: VirtualClock;
  nic: NicOutside;
  uart: UartOutside;
  nicDriver: NicDriver;
  serialNet: SerialNet;
  /** The port-I/O bus the drivers use: userland's 0x30-0x32 reach the same one (spec-notes §10). */
  bus: PortIo & { tap?(listener: IoListener): void };
  /** Guest physical memory (the RX ring, the TX buffers): what an unchecked kernel pointer reads. */
  memory: { read(addr: number, length: number): Uint8Array };
}

export interface HardwareOptions {
  mac?: Uint8Array;
}
