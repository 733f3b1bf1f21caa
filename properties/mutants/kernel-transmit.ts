// Deliberately wrong 0x34 edges (properties/kernel/transmit-edges.ts): the reference kernel with
// one rule broken at an edge the model-based transmit run reaches too rarely. Each is caught at
// default runs by kernel.transmit.edges and fails the clause it `breaks`.
import type { Mutant } from './mutant.ts';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import { createMachine } from '../../src/kernel/machine.ts';
import type { KernelComponents } from '../../src/kernel/kernel.ts';
import { Ledger } from '../../src/kernel/ledger.ts';
import type { HazardEvent } from '../../src/kernel/ledger-records.ts';
import { Syscalls } from '../../src/kernel/syscalls.ts';
import type { UserAccess } from '../../src/kernel/user-access.ts';
import { RC } from '../../src/kernel/constants.ts';
import { readU16BE } from '../../src/util/bytes.ts';

const withComponents = (components: Partial<KernelComponents>) => kernelExecutor((profile, options) => createMachine(profile, { ...options, components }));

/** A raw frame must be longer than its Ethernet header: the 14-byte one (total_length 0) is refused. */
class NoBareHeaderSyscalls extends Syscalls {
  protected override sendRawEthernet(ua: UserAccess, addr: number): number {
    const head = ua.fromUser(addr, 18);
    return readU16BE(head, 12) === 0x0800 && readU16BE(head, 16) === 0 ? RC.InvalidInput : super.sendRawEthernet(ua, addr);
  }
}

/** A frame send_frame refused (NIC not initialised) is not counted as a silent loss. */
class UncountedRefusalLedger extends Ledger {
  override hazard(h: HazardEvent): void {
    if (h.hazard === 'silent-loss' && 'cause' in h && h.cause === 'tx-refused') return;
    super.hazard(h);
  }
}

export const kernelTransmitMutants: Mutant[] = [
  {
    name: 'tx-14-byte-frame-refused',
    layer: 'kernel',
    description: '0x34/0x04 refuses the 14-byte raw frame (EtherType IPv4, total_length 0) that the 14..1514 rule sends',
    caughtBy: ['kernel.transmit.edges'],
    breaks: ['kernel.syscall.0x34.raw-bounds'],
    executor: withComponents({ syscalls: (...a) => new NoBareHeaderSyscalls(...a) }),
  },
  {
    name: 'tx-refusal-uncounted',
    layer: 'kernel',
    description: 'a raw frame send_frame refuses (no driver has initialised the NIC) returns Okay and is counted nowhere',
    caughtBy: ['kernel.transmit.edges'],
    breaks: ['kernel.decision.tx-loss-events'],
    spares: ['kernel.decision.hazard-counts'],
    executor: withComponents({ ledger: (limit) => new UncountedRefusalLedger(limit) }),
  },
];
