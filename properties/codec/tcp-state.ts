// The TcpConnection state machine against the RFC 793 / 9293 transition table and the RFC 9293
// §3.10.7 responses to the other segments (oracles.ts). Each (state, input) pair is checked as its
// own check of the clause that states it, so one wrong transition fails that clause alone.
import fc from 'fast-check';
import type { Trace } from '../../src/iut/contract.ts';
import { ContractViolation, defineProperty, type Checks } from '../../src/runner/property.ts';
import { errorKind, field, must, mustEqual, okValue, resultAt } from '../../src/runner/assert.ts';
import { RFC793_TRANSITIONS, RFC9293_RESPONSES, tcpExpected, TCP_INPUT_NAMES, TCP_STATE_NAMES } from '../oracles.ts';

const STATES = 'codec.tcp.state.states';
const OPEN = 'codec.tcp.state.open';
const ACTIVE = 'codec.tcp.state.active-close';
const PASSIVE = 'codec.tcp.state.passive-close';
const RESET = 'codec.tcp.state.reset';
const RESPONSES = 'codec.tcp.state.rfc9293-responses';
const UNDEFINED = 'codec.tcp.state.undefined';

/**
 * The clause whose statement lists each pair (spec/clauses/codec.json). Every pair of
 * RFC793_TRANSITIONS and RFC9293_RESPONSES is here; any pair not here is codec.tcp.state.undefined's.
 */
export const TRANSITION_CLAUSE: Record<string, Record<string, string>> = {
  Closed: { 'passive-open': OPEN },
  Listen: { 'rcv-syn': OPEN, close: OPEN },
  SynReceived: { 'rcv-ack': OPEN, close: ACTIVE, 'rcv-rst': RESET },
  Established: { close: ACTIVE, 'rcv-fin': PASSIVE, 'rcv-rst': RESET },
  FinWait1: { 'rcv-ack': ACTIVE, 'rcv-fin': ACTIVE, 'rcv-fin-ack': ACTIVE, 'rcv-rst': RESET },
  FinWait2: { 'rcv-fin': ACTIVE, 'rcv-rst': RESET },
  Closing: { 'rcv-ack': ACTIVE, 'rcv-rst': RESET },
  TimeWait: { timeout: ACTIVE, 'rcv-rst': RESET },
  CloseWait: { close: PASSIVE, 'rcv-rst': RESET },
  LastAck: { 'rcv-ack': PASSIVE, 'rcv-rst': RESET },
};
// Every RFC 9293 response is codec.tcp.state.rfc9293-responses' (one clause states them all).
for (const [state, inputs] of Object.entries(RFC9293_RESPONSES)) for (const input of Object.keys(inputs)) TRANSITION_CLAUSE[state]![input] = RESPONSES;

export const clauseOfPair = (state: string, input: string): string => TRANSITION_CLAUSE[state]?.[input] ?? UNDEFINED;

const PAIR_CLAUSES = [OPEN, ACTIVE, PASSIVE, RESET, RESPONSES];
type Pair = { state: string; input: string };
const ALL_PAIRS: Pair[] = TCP_STATE_NAMES.flatMap((state) => TCP_INPUT_NAMES.map((input) => ({ state, input })));
const PAIRS_BY_CLAUSE = [...PAIR_CLAUSES, UNDEFINED].map((c) => ALL_PAIRS.filter((p) => clauseOfPair(p.state, p.input) === c));

/** One pair's result at op #i: the transition or response its clause states, or a protocol error for an undefined pair. */
function checkPair(t: Checks, trace: Trace, i: number, { state, input }: Pair): void {
  const r = resultAt(trace, i);
  const want = tcpExpected(state, input);
  const what = `${state} + ${input}`;
  if (!want) {
    t.check(UNDEFINED, () => mustEqual(errorKind(r, what) ?? 'accepted', 'protocol', `${what} (neither a transition nor an RFC 9293 response)`));
    return;
  }
  t.check(clauseOfPair(state, input), () => mustEqual(okValue(trace, i, what), { state: want[0], send: want[1] }, what));
  if (r.ok) {
    const next = field(r.value, 'state');
    t.check(STATES, () => must(TCP_STATE_NAMES.includes(next as string), `${what} reported state ${JSON.stringify(next)}, which is not one of the ten states`));
  }
}

/** Names that are not a state or not an input: SynSent does not exist (r2 opens passively only). */
const NAME_PROBES = [
  { state: 'SynSent', input: 'close', clause: STATES, what: 'SynSent is not a state' },
  { state: 'Listen', input: 'rcv-urg', clause: UNDEFINED, what: 'rcv-urg is not an input' },
];

/**
 * Walks that go deep: each element is a random input or "follow the table" (the k-th transition
 * of the state the walk is in), so every state and transition is reached; the random inputs
 * reach the RFC 9293 responses and the refused pairs.
 */
const walkInputs = (): fc.Arbitrary<string[]> =>
  fc
    .array(fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...TCP_INPUT_NAMES) }, { weight: 3, arbitrary: fc.nat(7) }), { maxLength: 30 })
    .map((choices) => {
      let state = 'Closed';
      return choices.map((c) => {
        const defined = Object.keys(RFC793_TRANSITIONS[state] ?? {});
        const input = typeof c === 'string' ? c : defined[c % defined.length]!;
        state = tcpExpected(state, input)?.[0] ?? state;
        return input;
      });
    });

export const tcpStateProperties = [
  defineProperty({
    id: 'codec.tcp.transition-table',
    title: 'every (state, input) pair follows the RFC 793 table or the RFC 9293 response; any other pair is refused as a protocol error',
    layer: 'codec',
    clauses: [STATES, ...PAIR_CLAUSES, UNDEFINED],
    // The whole table in one scenario, in a generated order (the order must not matter), then
    // the names that are not a state or an input.
    arbitrary: () => fc.shuffledSubarray(ALL_PAIRS, { minLength: ALL_PAIRS.length, maxLength: ALL_PAIRS.length }),
    scenario: (pairs) => [...pairs, ...NAME_PROBES].map(({ state, input }) => ({ op: 'tcp.transition', state, input })),
    check: (pairs, trace, _ctx, t) => {
      pairs.forEach((p, i) => checkPair(t, trace, i, p));
      NAME_PROBES.forEach((p, k) => {
        const r = resultAt(trace, pairs.length + k);
        t.check(p.clause, () => mustEqual(errorKind(r, `${p.state} + ${p.input}`) ?? 'accepted', 'invalid-argument', p.what));
      });
    },
    runsFactor: 0.1,
  }),
  defineProperty({
    id: 'codec.tcp.transition-pairs',
    title: 'one to three (state, input) pairs, each as the RFC 793 table or RFC 9293 says (shrinks to the one wrong transition)',
    layer: 'codec',
    clauses: [STATES, ...PAIR_CLAUSES, UNDEFINED],
    // A clause first, then one of its pairs: every clause is reached in a few runs, and every pair
    // is. (minLength 0 then a filter, not minLength 1: fast-check then shrinks [bad, good] to [bad].)
    arbitrary: () =>
      fc
        .array(fc.integer({ min: 0, max: PAIRS_BY_CLAUSE.length - 1 }).chain((c) => fc.constantFrom(...PAIRS_BY_CLAUSE[c]!)), { maxLength: 3 })
        .filter((pairs) => pairs.length > 0),
    scenario: (pairs) => pairs.map(({ state, input }) => ({ op: 'tcp.transition', state, input })),
    check: (pairs, trace, _ctx, t) => pairs.forEach((p, i) => checkPair(t, trace, i, p)),
  }),
  defineProperty({
    id: 'codec.tcp.connection-walk',
    title: 'a connection fed any input sequence from Closed moves as the table and the RFC 9293 responses say and stays put on a refused input',
    layer: 'codec',
    clauses: [...PAIR_CLAUSES, UNDEFINED],
    arbitrary: walkInputs,
    scenario: (inputs) => [{ op: 'tcp.connection', inputs }],
    check: (inputs, trace, _ctx, t) => {
      if (inputs.length === 0) return;
      const r = resultAt(trace, 0);
      // The op itself failing is the first step's failure.
      if (!r.ok) return t.step(clauseOfPair('Closed', inputs[0]!), () => okValue(trace, 0, 'tcp.connection'));
      const steps = field<{ ok: boolean; state: string; send: number | null }[]>(r.value, 'steps');
      if (!Array.isArray(steps) || steps.length !== inputs.length) throw new ContractViolation(`contract: tcp.connection must give one step per input (${inputs.length}), got ${Array.isArray(steps) ? steps.length : typeof steps}`);
      // A step: once the connection is in a wrong state every later step differs, so a failure ends the case.
      let state = 'Closed';
      inputs.forEach((input, i) => {
        const from = state;
        const want = tcpExpected(from, input);
        if (want) state = want[0];
        t.step(clauseOfPair(from, input), () => mustEqual(steps[i], { ok: Boolean(want), state, send: want ? want[1] : null }, `step ${i}: ${from} + ${input}`));
      });
    },
  }),
];
