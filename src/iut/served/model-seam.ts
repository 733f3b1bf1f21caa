// The HardwareSeam over r2net's own device models (src/hw): the machine a layer session built.
import type { Machine } from '../../hw/index.ts';
import type { DeviceWrite, HardwareSeam } from './seam.ts';

const seams = new WeakMap<Machine, HardwareSeam>();

/** The seam of `m` (one per machine: it keeps the record of the devices' memory writes). */
export function modelSeam(m: Machine): HardwareSeam {
  let s = seams.get(m);
  if (s) return s;
  let pending: [number, number][] = [];
  let byImplementation = false;
  // Every guest-memory write is the devices' (DMA) unless the implementation asked for it.
  m.memory.tap((addr, length) => {
    if (!byImplementation && length > 0) pending.push([addr, length]);
  });
  s = {
    bus: m.bus,
    memory: {
      read: (addr, length) => m.memory.read(addr, length),
      write: (addr, bytes) => {
        byImplementation = true;
        try {
          m.memory.write(addr, bytes);
        } finally {
          byImplementation = false;
        }
      },
    },
    takeDeviceWrites(): DeviceWrite[] {
      if (pending.length === 0) return [];
      // Read at hand-over time: a later write over the same bytes is what memory holds now.
      const out = pending.map(([addr, length]) => ({ addr, bytes: m.memory.read(addr, length) }));
      pending = [];
      return out;
    },
    nic: m.nic,
    uart: m.uart,
    clock: m.clock,
  };
  seams.set(m, s);
  return s;
}
