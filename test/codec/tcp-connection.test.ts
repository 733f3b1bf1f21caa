import { describe, it, expect } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../src/codec/tcp.ts';
import { TCP_INPUTS, TCP_STATES, TCP_TRANSITIONS, TcpConnection, tcpTransition } from '../../src/codec/tcp-connection.ts';
import type { TcpInput, TcpState } from '../../src/codec/tcp-connection.ts';
import { expectErr, unwrap } from './helpers.ts';

// The expected table, written out independently of the implementation's table.
const FIN_ACK = TCP_FIN | TCP_ACK;
const EXPECTED: [TcpState, TcpInput, TcpState, number | null][] = [
  ['Closed', 'passive-open', 'Listen', null],
  ['Listen', 'rcv-syn', 'SynReceived', TCP_SYN | TCP_ACK],
  ['Listen', 'close', 'Closed', null],
  ['SynReceived', 'rcv-ack', 'Established', null],
  ['SynReceived', 'close', 'FinWait1', FIN_ACK],
  ['SynReceived', 'rcv-rst', 'Listen', null],
  ['Established', 'close', 'FinWait1', FIN_ACK],
  ['Established', 'rcv-fin', 'CloseWait', TCP_ACK],
  ['FinWait1', 'rcv-ack', 'FinWait2', null],
  ['FinWait1', 'rcv-fin', 'Closing', TCP_ACK],
  ['FinWait1', 'rcv-fin-ack', 'TimeWait', TCP_ACK],
  ['FinWait2', 'rcv-fin', 'TimeWait', TCP_ACK],
  ['Closing', 'rcv-ack', 'TimeWait', null],
  ['TimeWait', 'timeout', 'Closed', null],
  ['CloseWait', 'close', 'LastAck', FIN_ACK],
  ['LastAck', 'rcv-ack', 'Closed', null],
  ...(['Established', 'FinWait1', 'FinWait2', 'Closing', 'TimeWait', 'CloseWait', 'LastAck'] as const).map(
    (s): [TcpState, TcpInput, TcpState, null] => [s, 'rcv-rst', 'Closed', null],
  ),
];

describe('TCP connection state machine', () => {
  it('has exactly the ten documented states and eight inputs (codec.tcp.state.states)', () => {
    expect([...TCP_STATES].sort()).toEqual(
      ['Closed', 'Listen', 'SynReceived', 'Established', 'FinWait1', 'FinWait2', 'Closing', 'TimeWait', 'CloseWait', 'LastAck'].sort(),
    );
    expect(TCP_STATES).not.toContain('SynSent');
    expect(TCP_INPUTS.length).toBe(8);
    expect(Object.keys(TCP_TRANSITIONS).sort()).toEqual([...TCP_STATES].sort());
  });

  it('follows RFC 793/9293 for every defined pair (codec.tcp.state.open/active-close/passive-close/reset)', () => {
    for (const [s, i, next, send] of EXPECTED) expect(unwrap(tcpTransition(s, i)), `${s} + ${i}`).toEqual({ state: next, send });
  });

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
