// Deliberately wrong I/O buses and guest memory: the reference machine whose bus mis-decodes
// wide accesses, or whose memory fills past the range asked for.
import type { Mutant } from './mutant.ts';
import { createHardware, type Machine, type MachineOptions } from '../../src/hw/index.ts';
import type { Width } from '../../src/hw/bus.ts';
import { nicExecutor } from '../../src/iut/layers/nic.ts';
import type { LayerExecutor } from '../../src/iut/layers/index.ts';
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

/** Guest memory whose fill runs on to the end of the 4 KiB page (zeroing a neighbour's TX buffer). */
function fillToPageEnd(options: MachineOptions): Machine {
  const m = createHardware(seedProfile(), options);
  const fill = m.memory.fill.bind(m.memory);
  const PAGE = 4096;
  m.memory.fill = (addr, length, value) => fill(addr, length > 0 ? Math.max(length, PAGE - (addr % PAGE)) : length, value);
  return m;
}

/** The memory-fill mutant as an implementation that does not report the optional txWrites observation. */
const fillToPageEndUnreported: LayerExecutor = (ops, profile, statement) => {
  const trace = nicExecutor({ hardware: fillToPageEnd })(ops, profile, statement);
  const { txWrites: _unreported, ...observations } = trace.observations ?? {};
  return { ...trace, observations };
};

export const hwBusMutants: Mutant[] = [
  {
    name: 'memory-fill-to-page-end',
    layer: 'nic',
    description: "guest memory's fill runs to the end of the page, so padding a short frame zeroes the TX buffer beside it",
    // The send's padding write reaches past its buffer, as the txWrites observation shows:
    // writes-own-buffer fails, and the chip is not blamed for sending the bytes it was left.
    caughtBy: ['nic.tx.own-buffer'],
    breaks: ['nic.tx.writes-own-buffer'],
    spares: ['nic.tx.device-send'],
    executor: nicExecutor({ hardware: fillToPageEnd }),
  },
  {
    name: 'memory-fill-to-page-end-unreported',
    layer: 'nic',
    description: 'the same fill past the page, from an implementation whose traces leave out txWrites: only the resent neighbour buffer shows it',
    // Without txWrites nobody can tell who changed descriptor 1's bytes; the chip-level check
    // still sees that the buffer it resends is not what the driver last wrote there.
    caughtBy: ['nic.tx.buffer-untouched'],
    breaks: ['nic.tx.device-send'],
    executor: fillToPageEndUnreported,
  },
  {
    name: 'bus-straddle-whole',
    layer: 'nic',
    description: 'an access straddling the end of the PCI configuration ports reaches the host whole instead of being split into bytes',
    caughtBy: ['nic.bus.straddle'],
    breaks: ['nic.bus.port-decoding'],
    executor: nicExecutor({ hardware: straddleWhole }),
  },
];
