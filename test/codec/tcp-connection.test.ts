import { describe, it, expect } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../src/codec/tcp.ts';
import { TCP_INPUTS, TCP_RESPONSES, TCP_STATES, TCP_TRANSITIONS, TcpConnection, tcpTransition } from '../../src/codec/tcp-connection.ts';
import type { TcpInput, TcpState } from '../../src/codec/tcp-connection.ts';
import { expectErr, unwrap } from './helpers.ts';

// The expected table, written out independently of the implementation's table.
const FIN_ACK = TCP_FIN | TCP_ACK;
type Row = [TcpState, TcpInput, TcpState, number | null];
const OPEN: Row[] = [
  ['Closed', 'passive-open', 'Listen', null],
  ['Listen', 'rcv-syn', 'SynReceived', TCP_SYN | TCP_ACK],
  ['SynReceived', 'rcv-ack', 'Established', null],
  ['Listen', 'close', 'Closed', null],
];
const ACTIVE_CLOSE: Row[] = [
  ['SynReceived', 'close', 'FinWait1', FIN_ACK],
  ['Established', 'close', 'FinWait1', FIN_ACK],
  ['FinWait1', 'rcv-ack', 'FinWait2', null],
  ['FinWait1', 'rcv-fin', 'Closing', TCP_ACK],
  ['FinWait1', 'rcv-fin-ack', 'TimeWait', TCP_ACK],
  ['FinWait2', 'rcv-fin', 'TimeWait', TCP_ACK],
  ['Closing', 'rcv-ack', 'TimeWait', null],
  ['TimeWait', 'timeout', 'Closed', null],
];
const PASSIVE_CLOSE: Row[] = [
  ['Established', 'rcv-fin', 'CloseWait', TCP_ACK],
  ['CloseWait', 'close', 'LastAck', FIN_ACK],
  ['LastAck', 'rcv-ack', 'Closed', null],
];
const RESET: Row[] = [
  ['SynReceived', 'rcv-rst', 'Listen', null],
  ...(['Established', 'FinWait1', 'FinWait2', 'Closing', 'TimeWait', 'CloseWait', 'LastAck'] as const).map((s): Row => [s, 'rcv-rst', 'Closed', null]),
];
// RFC 9293 §3.10.7: what the other segments get (ignored, RST, ACK, or the FIN / our FIN's ACK processed).
const RESPONSES: Row[] = [
  ['Closed', 'rcv-rst', 'Closed', null],
  ['Closed', 'rcv-syn', 'Closed', TCP_RST | TCP_ACK],
  ['Closed', 'rcv-fin', 'Closed', TCP_RST | TCP_ACK],
  ['Closed', 'rcv-ack', 'Closed', TCP_RST],
  ['Closed', 'rcv-fin-ack', 'Closed', TCP_RST],
  ['Listen', 'rcv-rst', 'Listen', null],
  ['Listen', 'rcv-fin', 'Listen', null],
  ['Listen', 'rcv-ack', 'Listen', TCP_RST],
  ['Listen', 'rcv-fin-ack', 'Listen', TCP_RST],
  ['SynReceived', 'rcv-fin', 'CloseWait', TCP_ACK],
  ['SynReceived', 'rcv-fin-ack', 'CloseWait', TCP_ACK],
  ['Established', 'rcv-ack', 'Established', null],
  ['Established', 'rcv-fin-ack', 'CloseWait', TCP_ACK],
  ['FinWait2', 'rcv-ack', 'FinWait2', null],
  ['FinWait2', 'rcv-fin-ack', 'TimeWait', TCP_ACK],
  ['Closing', 'rcv-fin', 'Closing', TCP_ACK],
  ['Closing', 'rcv-fin-ack', 'TimeWait', TCP_ACK],
  ['TimeWait', 'rcv-ack', 'TimeWait', null],
  ['TimeWait', 'rcv-fin', 'TimeWait', TCP_ACK],
  ['TimeWait', 'rcv-fin-ack', 'TimeWait', TCP_ACK],
  ['CloseWait', 'rcv-ack', 'CloseWait', null],
  ['CloseWait', 'rcv-fin', 'CloseWait', TCP_ACK],
  ['CloseWait', 'rcv-fin-ack', 'CloseWait', TCP_ACK],
  ['LastAck', 'rcv-fin', 'LastAck', TCP_ACK],
  ['LastAck', 'rcv-fin-ack', 'Closed', null],
];
const EXPECTED: Row[] = [...OPEN, ...ACTIVE_CLOSE, ...PASSIVE_CLOSE, ...RESET, ...RESPONSES];
// The pairs left to codec.tcp.state.undefined, as its statement lists them.
const SYNCHRONIZED: TcpState[] = ['SynReceived', 'Established', 'FinWait1', 'FinWait2', 'Closing', 'TimeWait', 'CloseWait', 'LastAck'];
const UNDEFINED: [TcpState, TcpInput][] = [
  ...TCP_STATES.filter((s) => s !== 'Closed').map((s): [TcpState, TcpInput] => [s, 'passive-open']),
  ...(['Closed', 'FinWait1', 'FinWait2', 'Closing', 'TimeWait', 'LastAck'] as const).map((s): [TcpState, TcpInput] => [s, 'close']),
  ...TCP_STATES.filter((s) => s !== 'TimeWait').map((s): [TcpState, TcpInput] => [s, 'timeout']),
  ...SYNCHRONIZED.map((s): [TcpState, TcpInput] => [s, 'rcv-syn']),
];

describe('TCP connection state machine', () => {
  it('has exactly the ten documented states and eight inputs (codec.tcp.state.states)', () => {
    expect([...TCP_STATES].sort()).toEqual(
      ['Closed', 'Listen', 'SynReceived', 'Established', 'FinWait1', 'FinWait2', 'Closing', 'TimeWait', 'CloseWait', 'LastAck'].sort(),
    );
    expect(TCP_STATES).not.toContain('SynSent');
    expect(TCP_INPUTS.length).toBe(8);
    expect(Object.keys(TCP_TRANSITIONS).sort()).toEqual([...TCP_STATES].sort());
    expect(Object.keys(TCP_RESPONSES).sort()).toEqual([...TCP_STATES].sort());
  });

  const group = (clause: string, rows: Row[]) =>
    it(`${clause}: ${rows.length} transitions`, () => {
      for (const [st, i, next, send] of rows) expect(unwrap(tcpTransition(st, i)), `${st} + ${i}`).toEqual({ state: next, send });
    });
  group('codec.tcp.state.open', OPEN);
  group('codec.tcp.state.active-close', ACTIVE_CLOSE);
  group('codec.tcp.state.passive-close', PASSIVE_CLOSE);
  group('codec.tcp.state.reset', RESET);
  group('codec.tcp.state.rfc9293-responses', RESPONSES);

  it('every other pair is a protocol error, exactly the ones codec.tcp.state.undefined lists', () => {
    const defined = new Set(EXPECTED.map(([s, i]) => `${s}/${i}`));
    const refused: string[] = [];
    for (const s of TCP_STATES)
      for (const i of TCP_INPUTS)
        if (!defined.has(`${s}/${i}`)) {
          expectErr(tcpTransition(s, i), 'protocol', 'tcp.transition');
          refused.push(`${s}/${i}`);
        }
    expect(refused.sort()).toEqual(UNDEFINED.map(([s, i]) => `${s}/${i}`).sort());
    expect(refused.length).toBe(80 - 23 - 25);
  });

  it('unknown names are invalid-argument', () => {
    expectErr(tcpTransition('SynSent' as TcpState, 'close'), 'invalid-argument');
    expectErr(tcpTransition('Listen', 'rcv-urg' as TcpInput), 'invalid-argument');
    expectErr(tcpTransition('toString' as TcpState, 'close'), 'invalid-argument');
  });

  it('TcpConnection walks a passive open and both closes; errors leave the state alone', () => {
    const c = new TcpConnection();
    expect(c.state).toBe('Closed');
    expectErr(c.apply('close'), 'protocol');
    expect(c.state).toBe('Closed');
    expect(unwrap(c.apply('rcv-syn'))).toEqual({ state: 'Closed', send: TCP_RST | TCP_ACK });
    const sends = (['passive-open', 'rcv-syn', 'rcv-ack', 'rcv-fin', 'close', 'rcv-ack'] as TcpInput[]).map((i) => unwrap(c.apply(i)).send);
    expect(sends).toEqual([null, TCP_SYN | TCP_ACK, null, TCP_ACK, FIN_ACK, null]);
    expect(c.state).toBe('Closed');

    const d = new TcpConnection('Established');
    for (const i of ['close', 'rcv-fin', 'rcv-ack', 'timeout'] as TcpInput[]) unwrap(d.apply(i));
    expect(d.state).toBe('Closed');

    const e = new TcpConnection('SynReceived');
    unwrap(e.apply('rcv-rst'));
    expect(e.state).toBe('Listen');
    expect(new TcpConnection('Bogus' as TcpState).state).toBe('Closed');
  });
});
