// Deliberately wrong I/O buses: the reference machine whose bus mis-decodes wide accesses.
import type { Mutant } from './mutant.ts';
import { createHardware, type Machine, type MachineOptions } from '../../src/hw/index.ts';
import type { Width } from '../../src/hw/bus.ts';
import { nicExecutor } from '../../src/iut/layers/nic.ts';
import { seedProfile } from '../../src/spec/profile.ts';

const PCI_CONFIG_ADDRESS = 0xcf8;
const PCI_PORTS = 8;

/** A wide access that starts in the PCI configuration ports goes to the host whole, even past their end. */
function straddleWhole(options: MachineOptions): Machine {
  const m = createHardware(seedProfile(), options);
  const read = m.bus.read.bind(m.bus);
  const write = m.bus.write.bind(m.bus);
  const straddles = (port: number, width: Width): boolean => port >= PCI_CONFIG_ADDRESS && port < PCI_CONFIG_ADDRESS + PCI_PORTS && port + width > PCI_CONFIG_ADDRESS + PCI_PORTS;
  m.bus.read = (port, width) => (straddles(port, width) ? m.pci.ioRead(port - PCI_CONFIG_ADDRESS, width) : read(port, width));
  m.bus.write = (port, width, value) => (straddles(port, width) ? m.pci.ioWrite(port - PCI_CONFIG_ADDRESS, width, value) : write(port, width, value));
  return m;
}

export const hwBusMutants: Mutant[] = [
  {
    name: 'bus-straddle-whole',
    layer: 'nic',
    description: 'an access straddling the end of the PCI configuration ports reaches the host whole instead of being split into bytes',
    caughtBy: ['nic.bus.straddle'],
    breaks: ['nic.bus.port-decoding'],
    executor: nicExecutor({ hardware: straddleWhole }),
  },
];
