// The TcpConnection state machine against the RFC 793 / 9293 transition table (oracles.ts).
import fc from 'fast-check';
import { defineProperty } from '../../src/runner/property.ts';
import { field, mustEqual, okValue, resultAt } from '../../src/runner/assert.ts';
import { RFC793_TRANSITIONS, TCP_INPUT_NAMES, TCP_STATE_NAMES } from '../oracles.ts';

const TRANSITION_CLAUSES = ['codec.tcp.state.open', 'codec.tcp.state.active-close', 'codec.tcp.state.passive-close', 'codec.tcp.state.reset'];
const ALL_PAIRS = TCP_STATE_NAMES.flatMap((state) => TCP_INPUT_NAMES.map((input) => ({ state, input })));

export const tcpStateProperties = [
  defineProperty({
    id: 'codec.tcp.transition-table',
    title: 'every (state, input) pair follows the RFC 793 table; any other pair is refused as a protocol error',
    layer: 'codec',
    clauses: ['codec.tcp.state.states', ...TRANSITION_CLAUSES, 'codec.tcp.state.undefined'],
    // The whole table in one scenario, in a generated order (the order must not matter).
    arbitrary: () => fc.shuffledSubarray(ALL_PAIRS, { minLength: ALL_PAIRS.length, maxLength: ALL_PAIRS.length }),
    scenario: (pairs) => pairs.map((p) => ({ op: 'tcp.transition', ...p })),
    check: (pairs, trace) => {
      pairs.forEach(({ state, input }, i) => {
        const want = RFC793_TRANSITIONS[state]?.[input];
        const r = resultAt(trace, i);
        if (!want) mustEqual(r.ok ? 'accepted' : r.error.kind, 'protocol', `${state} + ${input} (not in the table)`);
        else mustEqual(okValue(trace, i, `${state} + ${input}`), { state: want[0], send: want[1] }, `${state} + ${input}`);
      });
    },
    runsFactor: 0.1,
  }),
  defineProperty({
    id: 'codec.tcp.connection-walk',
    title: 'a connection fed any input sequence from Closed moves as the table says and stays put on a refused input',
    layer: 'codec',
    clauses: [...TRANSITION_CLAUSES, 'codec.tcp.state.undefined'],
    arbitrary: () => fc.array(fc.constantFrom(...TCP_INPUT_NAMES), { maxLength: 30 }),
    scenario: (inputs) => [{ op: 'tcp.connection', inputs }],
    check: (inputs, trace) => {
      const steps = field<{ ok: boolean; state: string; send: number | null }[]>(okValue(trace, 0, 'tcp.connection'), 'steps');
      mustEqual(steps.length, inputs.length, 'one step per input');
      let state = 'Closed';
      inputs.forEach((input, i) => {
        const want = RFC793_TRANSITIONS[state]?.[input];
        if (want) state = want[0];
        mustEqual(steps[i], { ok: Boolean(want), state, send: want ? want[1] : null }, `step ${i}: ${input}`);
      });
    },
  }),
];
