// Routing at the length edges of tcp_dest_port, where NET_FRAME_BUF's stale bytes or a frame's
// CRC sit where the port would be (kernel.routing.tcp-dest-port). Random frames almost never meet
// these, so each command builds its case on purpose:
//  - StaleCmd: a whole TCP frame to a bound port, then one of the same IHL cut so its received
//    length (with the 4 CRC bytes) stops short of the port: NET_FRAME_BUF still holds the first
//    frame's port bytes exactly where a length-blind read would look. It must go to the driver.
//  - CrcPortCmd: an IPv4/TCP header with no TCP byte, received as exactly 14 + IHL*4 + 4 bytes,
//    so the port field is CRC bytes 2..3; that port is bound first, so the frame must go to the
//    bound pid (the length is just enough).
import fc from 'fast-check';
import type { PropertyDef } from '../../src/runner/property.ts';
import { withFcs } from '../oracles.ts';
import { BindCmd, C, InjectCmd, ReceiveCmd, TickCmd } from './commands/index.ts';
import { KCmd, setupArb, type EngineConfig, type Real } from './engine.ts';
import { machineProperty } from './machine.ts';
import type { Model } from './model.ts';
import { buildRxFrame, ETH_HEADER, IPV4_HEADER, PORT_POOL, type RxFrame } from './frames.ts';

/** Bytes of tcp_dest_port's read: the source port, then the destination port. */
const PORT_END = 4;

class StaleCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly port: number,
    readonly ihl: number,
    readonly keep: number,
    readonly cfg: EngineConfig,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    new BindCmd(this.idx, [this.port], this.cfg).exec(m, r);
    new InjectCmd({ kind: 'tcp', dstPort: this.port, ihl: this.ihl, payload: 0 }).exec(m, r);
    new InjectCmd({ kind: 'tcp-cut', dstPort: this.port, ihl: this.ihl, keep: this.keep }).exec(m, r);
    new TickCmd().exec(m, r);
    new TickCmd().exec(m, r);
  }
  toString(): string {
    return `stale(pid index ${this.idx}, port ${this.port}, IHL ${this.ihl}, cut to ${this.keep})`;
  }
}

class CrcPortCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly ihl: number,
    readonly cfg: EngineConfig,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const f: RxFrame = { kind: 'tcp-header-only', ihl: this.ihl };
    const received = withFcs(buildRxFrame(f));
    const at = ETH_HEADER + this.ihl * 4 + 2;
    new BindCmd(this.idx, [(received[at]! << 8) | received[at + 1]!], this.cfg).exec(m, r);
    new InjectCmd(f).exec(m, r);
    new TickCmd().exec(m, r);
  }
  toString(): string {
    return `crc-port(pid index ${this.idx}, IHL ${this.ihl})`;
  }
}

export const kernelRoutingEdgeProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.model.routing-edges',
    title: "a frame too short for its TCP port goes to the driver even when NET_FRAME_BUF's stale bytes hold a bound port there; one just long enough routes by the bytes it has (its CRC)",
    clauses: [C.tcpDestPort, C.boundPort],
    setup: () => setupArb({ minProcs: 2, maxProcs: 2, driver: true }),
    commands: (ctx, cfg) => {
      const idx = fc.constant(1);
      const ihl = fc.integer({ min: 5, max: 8 });
      // keep: the received length (keep + 4 CRC bytes) reaches the IPv4 header's end but stops before the port.
      const stale = fc
        .tuple(idx, fc.constantFrom(...PORT_POOL), ihl)
        .chain(([i, port, h]) => fc.integer({ min: ETH_HEADER + IPV4_HEADER - 4, max: ETH_HEADER + h * 4 + PORT_END - 2 - 4 }).map((keep): KCmd => new StaleCmd(i, port, h, keep, cfg)));
      const crc = fc.tuple(idx, ihl).map(([i, h]): KCmd => new CrcPortCmd(i, h, cfg));
      const read = fc.integer({ min: 0, max: 1 }).map((i): KCmd => new ReceiveCmd(i, 0, ctx.limits.userWindowStart));
      return fc.oneof({ weight: 3, arbitrary: stale }, { weight: 2, arbitrary: crc }, { weight: 1, arbitrary: read });
    },
    maxCommands: 4,
    runsFactor: 0.3,
  }),
];
