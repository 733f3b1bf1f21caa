// The RFC rules the properties check against, written from the RFC text and spec-notes —
// deliberately independent of src/codec, so a bug there cannot hide in its own oracle.
import { fromHex } from '../src/util/bytes.ts';

/** RFC 1071: big-endian 16-bit words, odd trailing byte as the high byte, end-around carry. */
export function rfc1071Sum(data: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < data.length; i += 2) sum += (data[i]! << 8) + (i + 1 < data.length ? data[i + 1]! : 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

export const rfc1071Checksum = (data: Uint8Array): number => ~rfc1071Sum(data) & 0xffff;

/** RFC 793 / RFC 768 pseudo-header: src, dst, zero, protocol, length. */
export function pseudoHeader(src: Uint8Array, dst: Uint8Array, protocol: number, length: number): Uint8Array {
  return Uint8Array.from([...src, ...dst, 0, protocol, length >> 8, length & 0xff]);
}

/** True when `data` (which contains its own checksum field) verifies: it sums to 0xFFFF. */
export const verifies = (data: Uint8Array): boolean => rfc1071Sum(data) === 0xffff;

export const hx = (h: string): Uint8Array => {
  const b = fromHex(h);
  if (!b) throw new Error(`oracle: not hex: ${h}`);
  return b;
};

export const u16At = (b: Uint8Array, at: number): number => (b[at]! << 8) | b[at + 1]!;
export const u32At = (b: Uint8Array, at: number): number => ((b[at]! << 24) >>> 0) + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!);

/** RFC 1055 framing: END, each END/ESC escaped as ESC ESC_END / ESC ESC_ESC, END. */
export const SLIP = { END: 0xc0, ESC: 0xdb, ESC_END: 0xdc, ESC_ESC: 0xdd } as const;

export function rfc1055Encode(data: Uint8Array): Uint8Array {
  const out: number[] = [SLIP.END];
  for (const b of data) {
    if (b === SLIP.END) out.push(SLIP.ESC, SLIP.ESC_END);
    else if (b === SLIP.ESC) out.push(SLIP.ESC, SLIP.ESC_ESC);
    else out.push(b);
  }
  out.push(SLIP.END);
  return Uint8Array.from(out);
}

/**
 * RFC 793 / RFC 9293 transitions for the ten states rou2exOS implements (passive open only),
 * with the flags of the segment sent on each, as spec-notes §4 lists them.
 */
export const TCP_FLAGS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10 } as const;
export const RFC793_TRANSITIONS: Record<string, Record<string, [string, number | null]>> = {
  Closed: { 'passive-open': ['Listen', null] },
  Listen: { 'rcv-syn': ['SynReceived', TCP_FLAGS.SYN | TCP_FLAGS.ACK], close: ['Closed', null] },
  SynReceived: { 'rcv-ack': ['Established', null], close: ['FinWait1', TCP_FLAGS.FIN | TCP_FLAGS.ACK], 'rcv-rst': ['Listen', null] },
  Established: { close: ['FinWait1', TCP_FLAGS.FIN | TCP_FLAGS.ACK], 'rcv-fin': ['CloseWait', TCP_FLAGS.ACK], 'rcv-rst': ['Closed', null] },
  FinWait1: { 'rcv-ack': ['FinWait2', null], 'rcv-fin': ['Closing', TCP_FLAGS.ACK], 'rcv-fin-ack': ['TimeWait', TCP_FLAGS.ACK], 'rcv-rst': ['Closed', null] },
  FinWait2: { 'rcv-fin': ['TimeWait', TCP_FLAGS.ACK], 'rcv-rst': ['Closed', null] },
  Closing: { 'rcv-ack': ['TimeWait', null], 'rcv-rst': ['Closed', null] },
  TimeWait: { timeout: ['Closed', null], 'rcv-rst': ['Closed', null] },
  CloseWait: { close: ['LastAck', TCP_FLAGS.FIN | TCP_FLAGS.ACK], 'rcv-rst': ['Closed', null] },
  LastAck: { 'rcv-ack': ['Closed', null], 'rcv-rst': ['Closed', null] },
};

/**
 * RFC 9293 §3.10.7 (SEGMENT ARRIVES): the answer to a segment the transition table above does
 * not list, for the inputs as the table reads them (rcv-syn a SYN without ACK; rcv-ack an ACK of
 * all we sent, our FIN included; rcv-fin the peer's FIN, acknowledging what we sent before any
 * FIN of ours and, in Closed and Listen, without ACK; rcv-fin-ack the peer's FIN acknowledging
 * our FIN too). Every pair in neither table is a 'protocol' error (codec.tcp.state.undefined).
 */
const RST_ACK = TCP_FLAGS.RST | TCP_FLAGS.ACK;
export const RFC9293_RESPONSES: Record<string, Record<string, [string, number | null]>> = {
  // §3.10.7.1: a RST is discarded; anything else answers RST (RST|ACK with SEQ=0 when its ACK bit is off).
  Closed: { 'rcv-rst': ['Closed', null], 'rcv-syn': ['Closed', RST_ACK], 'rcv-fin': ['Closed', RST_ACK], 'rcv-ack': ['Closed', TCP_FLAGS.RST], 'rcv-fin-ack': ['Closed', TCP_FLAGS.RST] },
  // §3.10.7.2: a RST is ignored, an ACK-bearing segment answers <SEQ=SEG.ACK><CTL=RST>, anything else is dropped.
  Listen: { 'rcv-rst': ['Listen', null], 'rcv-ack': ['Listen', TCP_FLAGS.RST], 'rcv-fin-ack': ['Listen', TCP_FLAGS.RST], 'rcv-fin': ['Listen', null] },
  // §3.10.7.4 eighth step: SYN-RECEIVED and ESTABLISHED enter CLOSE-WAIT and acknowledge the FIN.
  SynReceived: { 'rcv-fin': ['CloseWait', TCP_FLAGS.ACK], 'rcv-fin-ack': ['CloseWait', TCP_FLAGS.ACK] },
  Established: { 'rcv-ack': ['Established', null], 'rcv-fin-ack': ['CloseWait', TCP_FLAGS.ACK] },
  // Fifth step (ACK processing, nothing to answer) and eighth step FIN-WAIT-2: enter TIME-WAIT.
  FinWait2: { 'rcv-ack': ['FinWait2', null], 'rcv-fin-ack': ['TimeWait', TCP_FLAGS.ACK] },
  // Fifth step CLOSING: our FIN acknowledged -> TIME-WAIT; eighth step: remain, acknowledge the FIN.
  Closing: { 'rcv-fin': ['Closing', TCP_FLAGS.ACK], 'rcv-fin-ack': ['TimeWait', TCP_FLAGS.ACK] },
  // Eighth step TIME-WAIT: remain, acknowledge, restart the 2 MSL timer.
  TimeWait: { 'rcv-ack': ['TimeWait', null], 'rcv-fin': ['TimeWait', TCP_FLAGS.ACK], 'rcv-fin-ack': ['TimeWait', TCP_FLAGS.ACK] },
  CloseWait: { 'rcv-ack': ['CloseWait', null], 'rcv-fin': ['CloseWait', TCP_FLAGS.ACK], 'rcv-fin-ack': ['CloseWait', TCP_FLAGS.ACK] },
  // Eighth step LAST-ACK: remain, acknowledge; fifth step: our FIN acknowledged -> CLOSED.
  LastAck: { 'rcv-fin': ['LastAck', TCP_FLAGS.ACK], 'rcv-fin-ack': ['Closed', null] },
};

/** What a (state, input) pair must give: a transition, an RFC 9293 response, or undefined (a 'protocol' error). */
export const tcpExpected = (state: string, input: string): [string, number | null] | undefined => RFC793_TRANSITIONS[state]?.[input] ?? RFC9293_RESPONSES[state]?.[input];
export const TCP_STATE_NAMES = Object.keys(RFC793_TRANSITIONS);
export const TCP_INPUT_NAMES = ['passive-open', 'close', 'rcv-syn', 'rcv-ack', 'rcv-fin', 'rcv-fin-ack', 'rcv-rst', 'timeout'];

/**
 * IEEE 802.3 frame check sequence, bit by bit as the standard describes it: a 32-bit shift
 * register preset to ones, each data byte fed least significant bit first against the
 * generator x^32 + x^26 + x^23 + x^22 + x^16 + x^12 + x^11 + x^10 + x^8 + x^7 + x^5 + x^4 +
 * x^2 + x + 1, the register complemented at the end. (No table: deliberately unlike src/hw.)
 */
export function ieee8023Crc32(data: Uint8Array): number {
  const exponents = [32, 26, 23, 22, 16, 12, 11, 10, 8, 7, 5, 4, 2, 1, 0];
  // The register shifts towards bit 0, so term x^k sits at bit 31 - k of the reflected polynomial.
  const reflected = exponents.filter((k) => k < 32).reduce((p, k) => p | (1 << (31 - k)), 0) >>> 0;
  let reg = 0xffffffff;
  for (const byte of data) {
    for (let bit = 0; bit < 8; bit++) {
      const inBit = (byte >>> bit) & 1;
      const feedback = (reg & 1) ^ inBit;
      reg = reg >>> 1;
      if (feedback) reg = (reg ^ reflected) >>> 0;
    }
  }
  return (reg ^ 0xffffffff) >>> 0;
}

/**
 * A received frame as the RTL8139 driver hands it back: the frame followed by its 4-byte CRC-32,
 * least significant byte first (nic.rx.crc, nic.rx.deliver-includes-crc).
 */
export function withFcs(frame: Uint8Array): Uint8Array {
  const out = new Uint8Array(frame.length + 4);
  out.set(frame);
  const fcs = ieee8023Crc32(frame);
  for (let i = 0; i < 4; i++) out[frame.length + i] = (fcs >>> (8 * i)) & 0xff;
  return out;
}

/** The CRC-32 check value every CRC catalogue lists: CRC-32("123456789") = 0xCBF43926. */
export const CRC32_CHECK = { input: '123456789', value: 0xcbf43926 } as const;

/** 4-byte alignment as the RTL8139 ring uses it. */
export const align4 = (n: number): number => Math.ceil(n / 4) * 4;

/**
 * RTL8139 multicast hash index (MAR0-7 bit): the top 6 bits of the Ethernet CRC register run
 * MSB-first over the destination address — preset 0xFFFFFFFF, polynomial 0x04C11DB7, each
 * byte's bits fed least significant first, no final inversion. MAR byte idx >> 3, bit idx & 7.
 */
export function multicastHashIndex(dst: Uint8Array): number {
  let reg = 0xffffffff;
  for (const byte of dst.subarray(0, 6)) {
    for (let bit = 0; bit < 8; bit++) {
      const feedback = (reg >>> 31) ^ ((byte >>> bit) & 1);
      reg = ((reg << 1) ^ (feedback ? 0x04c11db7 : 0)) >>> 0;
    }
  }
  return reg >>> 26;
}
