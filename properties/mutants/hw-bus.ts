// Deliberately wrong I/O buses, PCI functions and guest memory: the reference machine whose bus
// mis-decodes wide accesses, whose RTL8139 configuration space takes writes wrongly or decodes
// with I/O off, or whose memory fills past the range asked for.
import type { Mutant } from './mutant.ts';
import { createHardware, type Machine, type MachineOptions } from '../../src/hw/index.ts';
import type { Width } from '../../src/hw/bus.ts';
import { PCI_CFG, PCI_COMMAND, type PciFunction } from '../../src/hw/pci.ts';
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

/** The reference machine with its RTL8139's PCI function changed by `patch`. */
function withNicPci(patch: (f: PciFunction) => void): (options: MachineOptions) => Machine {
  return (options) => {
    const m = createHardware(seedProfile(), options);
    if (m.nicPciFunction) patch(m.nicPciFunction);
    return m;
  };
}

/** A multi-byte configuration write puts byte i at offset - i instead of offset + i. */
const lanesReversed = withNicPci((f) => {
  const write = f.write.bind(f);
  f.write = (offset, width, value) => {
    for (let i = 0; i < width; i++) write((offset - i) & 0xff, 1, (value >>> (8 * i)) & 0xff);
  };
});

/** BAR0's low byte is writable too: sizing reads 0xFFFFFFFF, and the I/O indicator bit can be cleared. */
const bar0LowByteWritable = withNicPci((f) => {
  f.wmask[PCI_CFG.BAR0] = 0xff;
});

/** The chip keeps decoding its ports at BAR0 with COMMAND's I/O bit clear: its own view of COMMAND always has it set. */
const decodesWithIoOff = withNicPci((f) => {
  const command = f.command.bind(f);
  f.command = () => command() | PCI_COMMAND.IO;
});

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
    name: 'pci-write-lanes-reversed',
    layer: 'nic',
    description: 'a configuration write of width 2 or 4 stores byte i at offset - i instead of offset + i',
    caughtBy: ['nic.pci.config-write'],
    breaks: ['nic.pci.config-write'],
    executor: nicExecutor({ hardware: lanesReversed }),
  },
  {
    name: 'pci-bar0-low-byte-writable',
    layer: 'nic',
    description: "BAR0's low byte is writable: sizing reads 0xFFFFFFFF instead of 0xFFFFFF01 (an I/O BAR of 256 ports)",
    caughtBy: ['nic.pci.config-write'],
    breaks: ['nic.pci.config-write'],
    spares: ['nic.pci.io-enable'],
    executor: nicExecutor({ hardware: bar0LowByteWritable }),
  },
  {
    name: 'pci-decodes-with-io-off',
    layer: 'nic',
    description: "the chip answers its ports with COMMAND's I/O space bit clear",
    caughtBy: ['nic.pci.config-write'],
    breaks: ['nic.pci.io-enable'],
    spares: ['nic.pci.config-write'],
    executor: nicExecutor({ hardware: decodesWithIoOff }),
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
