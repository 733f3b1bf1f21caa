// The seam between r2net's machine and a served implementation's software: the hardware that
// answers its port I/O and guest-memory requests (protocol version 2, spec/contract/protocol.md).
// One interface: the port-I/O bus, guest memory, the wire (the NIC's outside), the serial line
// (the UART's outside) and the virtual clock. The device models implement it today (modelSeam);
// another backend (e.g. QEMU) would implement the same interface in its own file.
import type { NicOutside, UartOutside, VirtualClock } from '../../hw/api.ts';
import type { Width } from '../../hw/bus.ts';

/** A write the devices made into guest memory (DMA), pushed to the implementation's mirror. */
export interface DeviceWrite {
  addr: number;
  bytes: Uint8Array;
}

export interface HardwareSeam {
  readonly bus: { read(port: number, width: Width): number; write(port: number, width: Width, value: number): void };
  readonly memory: { read(addr: number, length: number): Uint8Array; write(addr: number, bytes: Uint8Array): void };
  /** Guest-memory writes made by the devices (not by the implementation) since the last call. */
  takeDeviceWrites(): DeviceWrite[];
  readonly nic: NicOutside;
  readonly uart: UartOutside;
  readonly clock: VirtualClock;
}
