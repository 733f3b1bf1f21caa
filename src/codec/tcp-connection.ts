// The userland-driven TCP connection state machine (RFC 793 §3.2 / RFC 9293 §3.3.2) over
// the ten states rou2exOS documents. r2 only opens passively, so there is no SynSent.
// The whole machine is two tables below, the transitions and the RFC 9293 §3.10.7 answers to
// the other segments; tcpTransition only looks them up.
import { ok, err } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from './tcp.ts';

export const TCP_STATES = [
  'Closed',
  'Listen',
  'SynReceived',
  'Established',
  'FinWait1',
  'FinWait2',
  'Closing',
  'TimeWait',
  'CloseWait',
  'LastAck',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

/**
 * Events the user (or the segment dispatcher) feeds in:
 * passive-open / close: user calls; rcv-*: a segment arrived: rcv-syn a SYN without ACK,
 * rcv-ack an ACK of everything sent (our FIN included), rcv-fin the peer's FIN (acknowledging
 * what we sent before any FIN of ours; in Closed and Listen without ACK), rcv-fin-ack the peer's
 * FIN acknowledging our FIN too, rcv-rst a RST; timeout: the TIME-WAIT 2·MSL timer expired.
 */
export const TCP_INPUTS = ['passive-open', 'close', 'rcv-syn', 'rcv-ack', 'rcv-fin', 'rcv-fin-ack', 'rcv-rst', 'timeout'] as const;
export type TcpInput = (typeof TCP_INPUTS)[number];

export interface TcpStep {
  state: TcpState;
  /** Flag byte of the segment to send (e.g. SYN|ACK), or null when nothing is sent. */
  send: number | null;
}

const to = (state: TcpState, send: number | null = null): TcpStep => ({ state, send });
const FIN_ACK = TCP_FIN | TCP_ACK;
const RST_ACK = TCP_RST | TCP_ACK;

/** The state transitions (RFC 793 Figure 6 / RFC 9293 Figure 5). */
export const TCP_TRANSITIONS: { readonly [S in TcpState]: { readonly [I in TcpInput]?: TcpStep } } = {
  Closed: { 'passive-open': to('Listen') },
  Listen: { 'rcv-syn': to('SynReceived', TCP_SYN | TCP_ACK), close: to('Closed') },
  SynReceived: { 'rcv-ack': to('Established'), close: to('FinWait1', FIN_ACK), 'rcv-rst': to('Listen') },
  Established: { close: to('FinWait1', FIN_ACK), 'rcv-fin': to('CloseWait', TCP_ACK), 'rcv-rst': to('Closed') },
  FinWait1: {
    'rcv-ack': to('FinWait2'),
    'rcv-fin': to('Closing', TCP_ACK),
    'rcv-fin-ack': to('TimeWait', TCP_ACK),
    'rcv-rst': to('Closed'),
  },
  FinWait2: { 'rcv-fin': to('TimeWait', TCP_ACK), 'rcv-rst': to('Closed') },
  Closing: { 'rcv-ack': to('TimeWait'), 'rcv-rst': to('Closed') },
  TimeWait: { timeout: to('Closed'), 'rcv-rst': to('Closed') },
  CloseWait: { close: to('LastAck', FIN_ACK), 'rcv-rst': to('Closed') },
  LastAck: { 'rcv-ack': to('Closed'), 'rcv-rst': to('Closed') },
};

/**
 * RFC 9293 §3.10.7 (SEGMENT ARRIVES) for segments the transitions do not list: ignored,
 * answered with RST or ACK, or (where the FIN or our FIN's ACK is processed) moved on.
 * A pair in neither table is a protocol error.
 */
export const TCP_RESPONSES: { readonly [S in TcpState]: { readonly [I in TcpInput]?: TcpStep } } = {
  // §3.10.7.1: drop a RST, answer anything else with a RST (RST|ACK when its ACK bit is off).
  Closed: { 'rcv-rst': to('Closed'), 'rcv-syn': to('Closed', RST_ACK), 'rcv-fin': to('Closed', RST_ACK), 'rcv-ack': to('Closed', TCP_RST), 'rcv-fin-ack': to('Closed', TCP_RST) },
  // §3.10.7.2: ignore a RST, answer an ACK with a RST, drop the rest.
  Listen: { 'rcv-rst': to('Listen'), 'rcv-ack': to('Listen', TCP_RST), 'rcv-fin-ack': to('Listen', TCP_RST), 'rcv-fin': to('Listen') },
  // §3.10.7.4, fifth (ACK) and eighth (FIN) steps.
  SynReceived: { 'rcv-fin': to('CloseWait', TCP_ACK), 'rcv-fin-ack': to('CloseWait', TCP_ACK) },
  Established: { 'rcv-ack': to('Established'), 'rcv-fin-ack': to('CloseWait', TCP_ACK) },
  FinWait1: {},
  FinWait2: { 'rcv-ack': to('FinWait2'), 'rcv-fin-ack': to('TimeWait', TCP_ACK) },
  Closing: { 'rcv-fin': to('Closing', TCP_ACK), 'rcv-fin-ack': to('TimeWait', TCP_ACK) },
  TimeWait: { 'rcv-ack': to('TimeWait'), 'rcv-fin': to('TimeWait', TCP_ACK), 'rcv-fin-ack': to('TimeWait', TCP_ACK) },
  CloseWait: { 'rcv-ack': to('CloseWait'), 'rcv-fin': to('CloseWait', TCP_ACK), 'rcv-fin-ack': to('CloseWait', TCP_ACK) },
  LastAck: { 'rcv-fin': to('LastAck', TCP_ACK), 'rcv-fin-ack': to('Closed') },
};

export const isTcpState = (v: unknown): v is TcpState => (TCP_STATES as readonly unknown[]).includes(v);
export const isTcpInput = (v: unknown): v is TcpInput => (TCP_INPUTS as readonly unknown[]).includes(v);

/**
 * The step for (state, input). A name that is not a state or an input is 'invalid-argument';
 * a pair neither table defines is 'protocol'. Either way nothing changes for the caller.
 */
export function tcpTransition(state: TcpState, input: TcpInput): Result<TcpStep> {
  const where = 'tcp.transition';
  if (!isTcpState(state)) return err('invalid-argument', where, `'${String(state)}' is not a TCP state`);
  if (!isTcpInput(input)) return err('invalid-argument', where, `'${String(input)}' is not a TCP input`);
  const step = TCP_TRANSITIONS[state][input] ?? TCP_RESPONSES[state][input];
  if (!step) return err('protocol', where, `no transition or RFC 9293 response for ${input} in ${state}`);
  return ok({ state: step.state, send: step.send });
}

/** One connection's state. apply() moves it only when the transition is defined. */
export class TcpConnection {
  #state: TcpState;

  constructor(initial: TcpState = 'Closed') {
    this.#state = isTcpState(initial) ? initial : 'Closed';
  }

  get state(): TcpState {
    return this.#state;
  }

  apply(input: TcpInput): Result<TcpStep> {
    const r = tcpTransition(this.#state, input);
    if (r.ok) this.#state = r.value.state;
    return r;
  }
}
