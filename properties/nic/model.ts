// A stateful run: fc.commands interleaves inject, poll, send and register reads; the command
// list becomes ONE scenario (one round trip), and fc.modelRun then walks the trace with a
// cursor — each command's run() reads its own op's result and checks it against a small model
// of the RX ring and the TX descriptors written from the clauses. Every comparison is a step of
// the clause whose rule it states (after one wrong step the model no longer describes the chip).
import fc from 'fast-check';
import type { Op, Trace } from '../../src/iut/contract.ts';
import { defineProperty, type Checks, type PropertyContext } from '../../src/runner/property.ts';
import { must, mustFail, okValue } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { NIC, expectSame, RingModel, nearThreshold, frameHex, frameSpec, injectValue, patterned, pollValue, registerValue, stateAt, wireOf, type FrameSpec, type WireObs } from './support.ts';

interface Model {
  ring: RingModel;
  /** TX_INDEX: the descriptor the next accepted frame uses. */
  tx: number;
  /** ISR bits the model expects (ROK, TOK, RXOVW). */
  isr: number;
  /** What last changed ISR.ROK: a frame written (nic.rx.rok) or a poll's acknowledge (nic.rx.ack-rok). */
  rokBy: 'inject' | 'poll' | 'init';
  ctx: PropertyContext;
}

/** Walks the trace: op i of the scenario is command i - 1 (op 0 is init). */
class Cursor {
  private i = 0;
  private readonly wire: WireObs[];
  constructor(
    readonly trace: Trace,
    readonly t: Checks,
  ) {
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
    const free = m.ring.free();
    const want = m.ring.inject(frameHex(this.frame));
    m.isr |= want.accepted ? NIC.ISR_ROK : NIC.ISR_RXOVW;
    if (want.accepted) m.rokBy = 'inject';
    // The generated frames (1..2088 bytes) are refused only for want of space.
    r.t.step('nic.rx.ring-full', () => {
      const got = injectValue(r.trace, i);
      expectSame(got.accepted, want.accepted, () => `${this} (op #${i}) with ${free} bytes free: accepted`);
      if (!want.accepted) expectSame(got, want, `${this} (op #${i})`);
      expectSame(stateAt(r.trace, i).MPC, m.ring.mpc, `MPC after ${this} (op #${i})`);
    });
    r.t.step('nic.rx.in-order', () => {
      expectSame(injectValue(r.trace, i), want, `${this} (op #${i}): where it is written`);
      expectSame(stateAt(r.trace, i).CBR, m.ring.cbr, `CBR after ${this} (op #${i})`);
      must(r.wireOf(i).length === 0, `${this} put a frame on the wire`);
    });
  }
  toString = (): string => `inject(${this.frame.length})`;
}

class Poll implements NicCommand {
  check = (): boolean => true;
  op = (): Op => ({ op: 'poll' });
  run(m: Model, r: Cursor): void {
    const i = r.next();
    const want = m.ring.poll(m.ctx.limits.rxCallerBufferBytes);
    if (want.consumed) {
      m.isr &= ~NIC.ISR_ROK; // acknowledged
      m.rokBy = 'poll';
    }
    const head = want.consumed;
    const what = head ? `the ${head.length}-byte frame at ${head.offset}` : 'an empty ring';
    const L = m.ctx.limits;
    const near = head !== undefined && nearThreshold(head.length + NIC.CRC, L.minRxFrame, L.rxCallerBufferBytes);
    if (near) {
      r.t.step('nic.rx.drop-thresholds-on-frame', () =>
        expectSame(pollValue(r.trace, i).length, want.length, `poll (op #${i}) of ${what} (${head.length + NIC.CRC} bytes with its CRC, limits ${L.minRxFrame}..${L.rxCallerBufferBytes} on that length): length`),
      );
    }
    if (head && want.length === 0) {
      if (!near) r.t.step('nic.rx.drop-and-continue', () => expectSame(pollValue(r.trace, i).length, 0, `poll (op #${i}) of ${what}: dropped`));
    } else {
      r.t.step('nic.rx.in-order', () => must(pollValue(r.trace, i).frame.startsWith(head?.frame ?? ''), `poll (op #${i}) of ${what} delivered other bytes than the frame injected`));
      r.t.step('nic.rx.deliver-includes-crc', () => {
        const got = pollValue(r.trace, i);
        expectSame(got.length, want.length, `poll (op #${i}) of ${what}: length (frame + its 4 CRC bytes)`);
        must(got.frame === want.frame, `poll (op #${i}) of ${what}: the frame is not followed by its CRC-32`);
      });
    }
    r.t.step('nic.rx.advance', () => {
      const s = stateAt(r.trace, i);
      expectSame([s.CAPR, s.RX_OFFSET % m.ring.size], [m.ring.capr, m.ring.rxOffset], `CAPR, RX_OFFSET after poll (op #${i})`);
    });
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
      r.t.step('nic.tx.too-large', () => {
        mustFail(r.trace, i, `${this} (op #${i}, send_len ${sendLen} over ${L.txBufferBytes})`, ['too-large']);
        expectSame(r.wireOf(i).length, 0, `frames on the wire for the refused ${this}`);
        expectSame(stateAt(r.trace, i).TX_INDEX, m.tx, `TX_INDEX after the refused ${this} (op #${i})`);
      });
      return;
    }
    // At the limit itself the frame goes out: the other side of the too-large boundary.
    if (sendLen === L.txBufferBytes) r.t.step('nic.tx.too-large', () => void okValue(r.trace, i, `${this} (op #${i}, send_len exactly ${L.txBufferBytes})`));
    const d = m.tx;
    m.tx = (d + 1) % L.txDescriptors;
    m.isr |= NIC.ISR_TOK;
    r.t.step('nic.tx.round-robin', () => {
      expectSame(okValue<{ descriptor: number }>(r.trace, i, `${this}`).descriptor, d, `${this} (op #${i}): descriptor`);
      expectSame(r.wireOf(i).map((x) => x.descriptor), [d], `${this} (op #${i}): the wire carries one frame from descriptor ${d}`);
      expectSame(stateAt(r.trace, i).TX_INDEX, m.tx, `TX_INDEX after ${this} (op #${i})`);
    });
    r.t.step('nic.tx.zero-pad', () => {
      expectSame(okValue<{ sendLen: number }>(r.trace, i, `${this}`).sendLen, sendLen, `${this} (op #${i}): send_len = max(len, 60)`);
      const bytes = toHex(patterned(this.frame.length, this.frame.seed)) + '00'.repeat(sendLen - this.frame.length);
      must(r.wireOf(i)[0]!.bytes === bytes, `${this} (op #${i}): the wire must carry the frame zero-padded to ${sendLen} bytes`);
    });
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
    const read = (): number => registerValue(r.trace, i);
    const show = (v: number): string => `0x${v.toString(16)}`;
    if (this.name === 'ISR') {
      // Each bit is its own clause's: ROK set by a frame / cleared by the acknowledge, TOK by a send, RXOVW by a refusal.
      const rok = m.rokBy === 'poll' ? 'nic.rx.ack-rok' : 'nic.rx.rok';
      r.t.step(rok, () => expectSame(show(read() & NIC.ISR_ROK), show(m.isr & NIC.ISR_ROK), `ISR.ROK read at op #${i}`));
      r.t.step('nic.tx.round-robin', () => expectSame(show(read() & NIC.ISR_TOK), show(m.isr & NIC.ISR_TOK), `ISR.TOK read at op #${i}`));
      r.t.step('nic.rx.ring-full', () => expectSame(show(read() & NIC.ISR_RXOVW), show(m.isr & NIC.ISR_RXOVW), `ISR.RXOVW read at op #${i}`));
      return;
    }
    const clause = { MPC: 'nic.rx.ring-full', CAPR: 'nic.rx.advance', CBR: 'nic.rx.in-order' }[this.name];
    const want = { MPC: m.ring.mpc, CAPR: m.ring.capr, CBR: m.ring.cbr }[this.name];
    r.t.step(clause, () => expectSame(show(read()), show(want), `${this.name} read at op #${i}`));
  }
  toString = (): string => `read(${this.name})`;
}

const unwrap = (c: unknown): NicCommand => ((c as { cmd?: NicCommand }).cmd ?? (c as NicCommand));

const commandsArb = (ctx: PropertyContext) =>
  fc.commands<Model, Cursor>(
    [
      // Biased towards large frames so the ring fills and wraps within a run; and frames whose
      // copied length (frame + CRC) is within the CRC's 4 bytes of a drop limit, where comparing the
      // frame instead of frame + CRC gives another answer (drop-thresholds-on-frame).
      fc
        .oneof(
          frameSpec(1, 64),
          frameSpec(ctx.limits.minRxFrame, ctx.limits.maxEthernetFrame),
          frameSpec(ctx.limits.maxEthernetFrame, ctx.limits.rxCallerBufferBytes + 40),
          frameSpec(ctx.limits.minRxFrame - NIC.CRC, ctx.limits.minRxFrame - 1),
          frameSpec(ctx.limits.rxCallerBufferBytes - NIC.CRC + 1, ctx.limits.rxCallerBufferBytes),
        )
        .map((f) => new Inject(f)),
      fc.oneof(frameSpec(ctx.limits.minRxFrame, ctx.limits.maxEthernetFrame), frameSpec(1, 64)).map((f) => new Inject(f)),
      fc.constant(new Poll()),
      // Around the 2 KiB limit too: 2048 goes out, 2049 is too large.
      fc.oneof(frameSpec(0, ctx.limits.minEthernetFrame + 4), frameSpec(0, ctx.limits.txBufferBytes + 8), frameSpec(ctx.limits.txBufferBytes - 1, ctx.limits.txBufferBytes + 2)).map((f) => new Send(f)),
      fc.constantFrom<RegName>('ISR', 'MPC', 'CAPR', 'CBR').map((n) => new ReadRegister(n)),
    ],
    { maxCommands: 40 },
  );

const nicModelClauses = ['nic.rx.in-order', 'nic.rx.deliver-includes-crc', 'nic.rx.ring-full', 'nic.rx.advance', 'nic.rx.drop-and-continue', 'nic.rx.drop-thresholds-on-frame', 'nic.rx.rok', 'nic.rx.ack-rok', 'nic.tx.round-robin', 'nic.tx.zero-pad', 'nic.tx.too-large'];

export const nicModelProperties = [
  defineProperty({
    id: 'nic.model.commands',
    title: 'any interleaving of inject, poll, send and register reads agrees with a model of the ring (offsets, free space, MPC, CAPR) and the descriptors (round robin, zero padding)',
    layer: 'nic',
    clauses: nicModelClauses,
    arbitrary: (ctx) => commandsArb(ctx),
    scenario: (cmds): Op[] => [{ op: 'init' }, ...[...cmds].map((c) => unwrap(c).op())],
    check: (cmds, trace, ctx, t) => {
      // init must succeed before anything: a failure (or unsupported-op) ends the case on the first enforced clause.
      const first = nicModelClauses.find((c) => t.wants(c));
      if (first) t.step(first, () => void okValue(trace, 0, 'init'));
      fc.modelRun(() => ({ model: { ring: new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame), tx: 0, isr: 0, rokBy: 'init' as const, ctx }, real: new Cursor(trace, t) }), cmds);
    },
    // Eleven clauses share its cases, some reached only by one frame length in four: every run counts.
    runsFactor: 1,
  }),
];
