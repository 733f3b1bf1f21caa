// The x86 I/O bus under the NIC's PCI configuration ports: a wide access that fits a device's
// window reaches it whole (CONFIG_ADDRESS is a dword register), one that straddles a window's
// end is split into bytes (a dword at 0xCFE is two CONFIG_DATA bytes and two floating ports).
import fc from 'fast-check';
import type { Op } from '../../src/iut/contract.ts';
import { defineProperty } from '../../src/runner/property.ts';
import { field, okValue } from '../../src/runner/assert.ts';
import { expectSame } from './support.ts';

const CONFIG_ADDRESS = 0xcf8;
const CONFIG_DATA = 0xcfc;
const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

export const nicBusDecodingProperties = [
  defineProperty({
    id: 'nic.bus.straddle',
    title: 'a dword read of CONFIG_ADDRESS returns what was written; a dword at 0xCFE reads the two upper CONFIG_DATA bytes under two floating ports (0xFF) and its write reaches only those two bytes',
    layer: 'nic',
    clauses: ['nic.bus.port-decoding'],
    arbitrary: () => fc.record({ dev: fc.integer({ min: 1, max: 31 }), v: fc.integer({ min: 0, max: 0xffffffff }) }),
    scenario: (x): Op[] => {
      const sel = (reg: number): Op => ({ op: 'out', port: CONFIG_ADDRESS, width: 4, value: (0x80000000 | (x.dev << 11) | reg) >>> 0 });
      return [
        { op: 'setup', pci: { bus: 0, dev: x.dev, fn: 0 } },
        sel(0),
        { op: 'in', port: CONFIG_ADDRESS, width: 4 }, // 2
        { op: 'in', port: CONFIG_DATA + 2, width: 4 }, // 3: device id, then 0xFFFF
        sel(4),
        { op: 'in', port: CONFIG_DATA, width: 2 }, // 5: command before
        sel(0),
        { op: 'out', port: CONFIG_DATA + 2, width: 4, value: x.v },
        sel(4),
        { op: 'in', port: CONFIG_DATA, width: 2 }, // 9: command after
      ];
    },
    check: (x, trace, ctx) => {
      const value = (i: number, what: string): number => field<number>(okValue(trace, i, what), 'value');
      expectSame(hex(value(2, 'CONFIG_ADDRESS read')), hex(0x80000000 | (x.dev << 11)), 'a dword read of CONFIG_ADDRESS (0xCF8)');
      expectSame(hex(value(3, 'dword read at 0xCFE')), hex((0xffff0000 | ctx.defaults.pciDevice) >>> 0), `a dword read at 0xCFE with 0:${x.dev}.0 register 0 selected (device id, then two floating ports)`);
      expectSame(hex(value(9, 'command after')), hex(value(5, 'command before')), `the command register after a dword write of ${hex(x.v)} at 0xCFE (its upper half falls on ports no device decodes)`);
    },
    runsFactor: 0.2,
  }),
];
