import { describe, it, expect } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../src/codec/tcp.ts';
import { TCP_INPUTS, TCP_STATES, TCP_TRANSITIONS, TcpConnection, tcpTransition } from '../../src/codec/tcp-connection.ts';
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
const EXPECTED: Row[] = [...OPEN, ...ACTIVE_CLOSE, ...PASSIVE_CLOSE, ...RESET];

describe('TCP connection state machine', () => {
  it('has exactly the ten documented states and eight inputs (codec.tcp.state.states)', () => {
    expect([...TCP_STATES].sort()).toEqual(
      ['Closed', 'Listen', 'SynReceived', 'Established', 'FinWait1', 'FinWait2', 'Closing', 'TimeWait', 'CloseWait', 'LastAck'].sort(),
    );
    expect(TCP_STATES).not.toContain('SynSent');
    expect(TCP_INPUTS.length).toBe(8);
    expect(Object.keys(TCP_TRANSITIONS).sort()).toEqual([...TCP_STATES].sort());
  });

  const group = (clause: string, rows: Row[]) =>
    it(`${clause}: ${rows.length} transitions`, () => {
      for (const [st, i, next, send] of rows) expect(unwrap(tcpTransition(st, i)), `${st} + ${i}`).toEqual({ state: next, send });
    });
  group('codec.tcp.state.open', OPEN);
  group('codec.tcp.state.active-close', ACTIVE_CLOSE);
  group('codec.tcp.state.passive-close', PASSIVE_CLOSE);
  group('codec.tcp.state.reset', RESET);

  it('every other pair is a protocol error (codec.tcp.state.undefined)', () => {
    const defined = new Set(EXPECTED.map(([s, i]) => `${s}/${i}`));
    let undefinedPairs = 0;
    for (const s of TCP_STATES)
      for (const i of TCP_INPUTS)
        if (!defined.has(`${s}/${i}`)) {
          expectErr(tcpTransition(s, i), 'protocol', 'tcp.transition');
          undefinedPairs++;
        }
    expect(undefinedPairs).toBe(80 - EXPECTED.length);
  });

  it('unknown names are invalid-argument', () => {
    expectErr(tcpTransition('SynSent' as TcpState, 'close'), 'invalid-argument');
    expectErr(tcpTransition('Listen', 'rcv-urg' as TcpInput), 'invalid-argument');
    expectErr(tcpTransition('toString' as TcpState, 'close'), 'invalid-argument');
  });

  it('TcpConnection walks a passive open and both closes; errors leave the state alone', () => {
    const c = new TcpConnection();
    expect(c.state).toBe('Closed');
    expectErr(c.apply('rcv-syn'), 'protocol');
    expect(c.state).toBe('Closed');
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
