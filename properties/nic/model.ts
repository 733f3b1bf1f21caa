// A stateful run: fc.commands interleaves inject, poll, send and register reads; the command
// list becomes ONE scenario (one round trip), and fc.modelRun then walks the trace with a
// cursor — each command's run() reads its own op's result and checks it against a small model
// of the RX ring and the TX descriptors written from the clauses.
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { defineProperty, type PropertyContext } from '../../src/runner/property.ts';
import { must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { NIC, expectSame, RingModel, frameHex, frameSpec, injectValue, patterned, pollValue, registerValue, stateAt, wireOf, type FrameSpec, type WireObs } from './support.ts';

interface Model {
  ring: RingModel;
  /** TX_INDEX: the descriptor the next accepted frame uses. */
  tx: number;
  /** ISR bits the model expects (ROK, TOK, RXOVW). */
  isr: number;
  ctx: PropertyContext;
}

/** Walks the trace: op i of the scenario is command i - 1 (op 0 is init). */
class Cursor {
  private i = 0;
  private readonly wire: WireObs[];
  constructor(readonly trace: Trace) {
    okValue(trace, 0, 'init');
    this.wire = wireOf(trace);
  }
  next(): number {
    return ++this.i;
  }
  wireOf(op: number): WireObs[] {
    return this.wire.filter((w) => w.op === op);
  }
}

interface NicCommand extends fc.Command<Model, Cursor> {
  op(): Op;
}

class Inject implements NicCommand {
  constructor(readonly frame: FrameSpec) {}
  check = (): boolean => true;
  op = (): Op => ({ op: 'inject', frame: frameHex(this.frame) });
  run(m: Model, r: Cursor): void {
    const i = r.next();
    const want = m.ring.inject(frameHex(this.frame));
    m.isr |= want.accepted ? NIC.ISR_ROK : NIC.ISR_RXOVW;
    expectSame(injectValue(r.trace, i), want, `${this} (op #${i})`);
    const s = stateAt(r.trace, i);
    expectSame([s.CBR, s.MPC], [m.ring.cbr, m.ring.mpc], `CBR, MPC after ${this} (op #${i})`);
    must(r.wireOf(i).length === 0, `${this} put a frame on the wire`);
  }
  toString = (): string => `inject(${this.frame.length})`;
}

class Poll implements NicCommand {
  check = (): boolean => true;
  op = (): Op => ({ op: 'poll' });
  run(m: Model, r: Cursor): void {
    const i = r.next();
    const want = m.ring.poll(m.ctx.limits.rxCallerBufferBytes);
    if (want.consumed) m.isr &= ~NIC.ISR_ROK; // acknowledged
    const got = pollValue(r.trace, i);
    expectSame(got.length, want.length, `poll (op #${i}) of ${want.consumed ? `the ${want.consumed.length}-byte frame at ${want.consumed.offset}` : 'an empty ring'}`);
    must(got.frame === want.frame, `poll (op #${i}) delivered other bytes than the frame injected`);
    const s = stateAt(r.trace, i);
    expectSame([s.CAPR, s.RX_OFFSET % m.ring.size], [m.ring.capr, m.ring.rxOffset], `CAPR, RX_OFFSET after poll (op #${i})`);
  }
  toString = (): string => 'poll';
}

class Send implements NicCommand {
  constructor(readonly frame: FrameSpec) {}
  check = (): boolean => true;
  op = (): Op => ({ op: 'send', frame: frameHex(this.frame) });
  run(m: Model, r: Cursor): void {
    const i = r.next();
    const L = m.ctx.limits;
    const sendLen = Math.max(this.frame.length, L.minEthernetFrame);
    if (sendLen > L.txBufferBytes) {
      mustFail(r.trace, i, `${this} (op #${i})`, ['too-large']);
      expectSame(r.wireOf(i).length, 0, `frames on the wire for the refused ${this}`);
    } else {
      const d = m.tx;
      expectSame(okValue(r.trace, i, `${this}`), { descriptor: d, sendLen }, `${this} (op #${i})`);
      const bytes = toHex(patterned(this.frame.length, this.frame.seed)) + '00'.repeat(sendLen - this.frame.length);
      const w = r.wireOf(i);
      must(w.length === 1 && w[0]!.descriptor === d && w[0]!.bytes === bytes, `${this} (op #${i}): the wire must carry the zero-padded frame from descriptor ${d}, got ${JSON.stringify(w.map((x) => ({ descriptor: x.descriptor, length: x.bytes.length / 2 })))}`);
      m.tx = (d + 1) % L.txDescriptors;
      m.isr |= NIC.ISR_TOK;
    }
    expectSame(stateAt(r.trace, i).TX_INDEX, m.tx, `TX_INDEX after ${this} (op #${i})`);
  }
  toString = (): string => `send(${this.frame.length})`;
}

type RegName = 'ISR' | 'MPC' | 'CAPR' | 'CBR';
class ReadRegister implements NicCommand {
  constructor(readonly name: RegName) {}
  check = (): boolean => true;
  op = (): Op => ({ op: 'read-register', name: this.name });
  run(m: Model, r: Cursor): void {
    const i = r.next();
    const want = { ISR: m.isr, MPC: m.ring.mpc, CAPR: m.ring.capr, CBR: m.ring.cbr }[this.name];
    expectSame(`0x${registerValue(r.trace, i).toString(16)}`, `0x${want.toString(16)}`, `${this.name} read at op #${i}`);
  }
  toString = (): string => `read(${this.name})`;
}

const unwrap = (c: unknown): NicCommand => ((c as { cmd?: NicCommand }).cmd ?? (c as NicCommand));

const commandsArb = (ctx: PropertyContext) =>
  fc.commands<Model, Cursor>(
    [
      // Biased towards large frames so the ring fills and wraps within a run.
      fc.oneof(frameSpec(1, 64), frameSpec(ctx.limits.minRxFrame, ctx.limits.maxEthernetFrame), frameSpec(ctx.limits.maxEthernetFrame, ctx.limits.rxCallerBufferBytes + 40)).map((f) => new Inject(f)),
      fc.oneof(frameSpec(ctx.limits.minRxFrame, ctx.limits.maxEthernetFrame), frameSpec(1, 64)).map((f) => new Inject(f)),
      fc.constant(new Poll()),
      fc.oneof(frameSpec(0, ctx.limits.minEthernetFrame + 4), frameSpec(0, ctx.limits.txBufferBytes + 8)).map((f) => new Send(f)),
      fc.constantFrom<RegName>('ISR', 'MPC', 'CAPR', 'CBR').map((n) => new ReadRegister(n)),
    ],
    { maxCommands: 40 },
  );

export const nicModelProperties = [
  defineProperty({
    id: 'nic.model.commands',
    title: 'any interleaving of inject, poll, send and register reads agrees with a model of the ring (offsets, free space, MPC, CAPR) and the descriptors (round robin, zero padding)',
    layer: 'nic',
    clauses: ['nic.rx.in-order', 'nic.rx.ring-full', 'nic.rx.advance', 'nic.rx.drop-and-continue', 'nic.rx.rok', 'nic.rx.ack-rok', 'nic.tx.round-robin', 'nic.tx.zero-pad', 'nic.tx.too-large'],
    arbitrary: (ctx) => commandsArb(ctx),
    scenario: (cmds): Op[] => [{ op: 'init' }, ...[...cmds].map((c) => unwrap(c).op())],
    check: (cmds, trace, ctx) => {
      fc.modelRun(() => ({ model: { ring: new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame), tx: 0, isr: 0, ctx }, real: new Cursor(trace) }), cmds);
    },
    runsFactor: 0.5,
  }),
];
