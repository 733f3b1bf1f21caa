// The receive side's shared checks: the ring walk against the clauses' ring model (each kind
// of comparison attributed to the clause a property names for it) and the slot readers.
import type { Op, Trace } from '../../src/iut/contract.ts';
import type { Checks, PropertyContext } from '../../src/runner/property.ts';
import { must } from '../../src/runner/assert.ts';
import { toHex } from '../../src/util/bytes.ts';
import { ieee8023Crc32 } from '../oracles.ts';
import { NIC, RingModel, expectSame, footprint, injectValue, nearThreshold, peekValue, pollValue, stateAt, u16le, u32le, type DmaObs, type InjectValue, type PollValue } from './support.ts';

/**
 * Which clause each kind of ring-walk check belongs to; a kind left out is not checked (the
 * property does not claim that rule). `accept`: where each inject is written (CBR) and why a
 * frame is refused; `full`: whether it is taken at all (free space) and MPC — without it the
 * walk stops silently where the chip takes another choice (nic.rx.ring-full's); `order`:
 * each poll hands back the frame due (its bytes, in order), or 0 on an empty ring; `crc`: a
 * delivered frame's exact length and bytes, CRC included; `drop` / `thresholds`: a frame the
 * model drops returns 0 (`thresholds` when its copied length is within the CRC's 4 bytes of a
 * limit, where comparing frame and frame + CRC differ); `advance`: RX_OFFSET and CAPR after.
 * A frame crossing the ring end is nic.rx.wrap's: where its bytes differ the walk stops silently.
 */
export interface RingClauses {
  accept?: string;
  full?: string;
  order?: string;
  crc?: string;
  drop?: string;
  thresholds?: string;
  advance?: string;
}

/**
 * Checks every inject and poll of a scenario against the ring model of the clauses, each
 * comparison as a step of its clause (after a wrong step the model no longer describes the
 * ring). Returns the model, or undefined when the walk stopped without a claim (`order` not
 * checked and the driver delivered something else than the model: the rest is not this
 * property's to judge).
 */
export function checkAgainstRing(ops: Op[], trace: Trace, ctx: PropertyContext, t: Checks, c: RingClauses, from = 0): RingModel | undefined {
  const ring = new RingModel(ctx.limits.rxRingBytes, ctx.limits.minRxFrame);
  const step = (clause: string | undefined, fn: () => void): void => {
    if (clause) t.step(clause, fn);
  };
  for (let i = from; i < ops.length; i++) {
    const op = ops[i]!;
    if (op.op === 'inject') {
      const frame = op['frame'] as string;
      const free = ring.free();
      const want = ring.inject(frame);
      const taken = peekValue<InjectValue>(trace, i)?.accepted;
      if (c.full) {
        t.step(c.full, () => {
          expectSame(injectValue(trace, i).accepted, want.accepted, () => `inject of a ${frame.length / 2}-byte frame (op #${i}) with ${free} bytes free: accepted`);
          expectSame(stateAt(trace, i).MPC, ring.mpc, () => `MPC after op #${i}`);
        });
      } else if (taken !== undefined && taken !== want.accepted && (want.accepted || want.reason === 'ring-full')) return undefined;
      step(c.accept, () => {
        expectSame(injectValue(trace, i), want, () => `inject of a ${frame.length / 2}-byte frame (op #${i})`);
        expectSame(stateAt(trace, i).CBR, ring.cbr, () => `CBR after op #${i}`);
      });
    } else if (op.op === 'poll') {
      const buffer = (op['buffer'] as number | undefined) ?? ctx.limits.rxCallerBufferBytes;
      const want = ring.poll(buffer);
      // Read without a claim: the steps below read it again through pollValue (which raises).
      const got = peekValue<PollValue>(trace, i) ?? { length: -1, frame: '' };
      const what = (): string => (want.consumed ? `the ${want.consumed.length}-byte frame at ring offset ${want.consumed.offset}` : 'an empty ring');
      const head = want.consumed;
      if (!head) {
        step(c.order, () => expectSame(pollValue(trace, i).length, 0, () => `poll (op #${i}) of an empty ring: length`));
      } else if (want.length === 0) {
        const copied = head.length + NIC.CRC;
        step(nearThreshold(copied, ctx.limits.minRxFrame, buffer) ? c.thresholds : c.drop, () =>
          expectSame(pollValue(trace, i).length, 0, () => `poll (op #${i}) of ${what()} (${copied} bytes with its CRC) into a ${buffer}-byte buffer: it must be dropped`),
        );
      } else {
        const copied = head.length + NIC.CRC;
        if (got.length === 0 && nearThreshold(copied, ctx.limits.minRxFrame, buffer)) step(c.thresholds, () => must(false, `poll (op #${i}) of ${what()} (${copied} bytes with its CRC) into a ${buffer}-byte buffer dropped it: the limits compare the length with its CRC`));
        else if (head.offset + footprint(head.length) > ring.size && !got.frame.startsWith(head.frame)) return undefined;
        else if (c.order) t.step(c.order, () => must(pollValue(trace, i).frame.startsWith(head.frame), `poll (op #${i}) of ${what()}: delivered ${got.length} bytes that are not that frame (in order, intact)`));
        else if (!got.frame.startsWith(head.frame)) return undefined;
        step(c.crc, () => {
          const got = pollValue(trace, i);
          expectSame(got.length, want.length, () => `poll (op #${i}) of ${what()} into a ${buffer}-byte buffer: length (frame + its 4 CRC bytes)`);
          must(got.frame === want.frame, `poll (op #${i}) of ${what()}: the 4 bytes after the frame are not its CRC-32 (little-endian)`);
        });
      }
      step(c.advance, () => {
        const s = stateAt(trace, i);
        expectSame(s.RX_OFFSET % ring.size, ring.rxOffset, () => `RX_OFFSET after poll (op #${i})`);
        expectSame(s.CAPR, ring.capr, () => `CAPR after poll (op #${i}) (RX_OFFSET - 16)`);
      });
      if (!c.advance && stateAt(trace, i).CAPR !== ring.capr) return undefined;
    }
  }
  return ring;
}

/** Union of the DMA writes of one op as sorted, merged [start, end) intervals. */
export function writtenRanges(dma: DmaObs[], op: number): [number, number][] {
  const r = dma.filter((d) => d.op === op && d.length > 0).map((d): [number, number] => [d.at, d.at + d.length]);
  r.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const x of r) {
    const last = out[out.length - 1];
    if (last && x[0] <= last[1]) last[1] = Math.max(last[1], x[1]);
    else out.push([x[0], x[1]]);
  }
  return out;
}

export const rangesText = (r: [number, number][]): string => r.map(([a, b]) => `[${a}, ${b})`).join(' ') || 'none';

/** A value read on first use, inside the check that needs it (so an unsupported op fails that check). */
export const lazy = <T>(read: () => T): (() => T) => {
  let box: { v: T } | undefined;
  return () => (box ??= { v: read() }).v;
};

/** A slot's header in ring memory (as read back by peek-ring): status with ROK, length = frame + 4 (nic.rx.header). */
export function checkHeader(mem: Uint8Array, offset: number, frame: Uint8Array, what: string): void {
  const st = u16le(mem, offset);
  must((st & NIC.STATUS_ROK) !== 0, `${what}: header status 0x${st.toString(16)} at ring offset ${offset} lacks ROK`);
  expectSame(u16le(mem, offset + 2), frame.length + NIC.CRC, `${what}: header length (frame + 4)`);
}

/** A slot's frame bytes and the CRC-32 after them, little-endian (nic.rx.crc). */
export function checkFrameAndCrc(mem: Uint8Array, offset: number, frame: Uint8Array, what: string): void {
  must(toHex(mem.subarray(offset + NIC.HEADER, offset + NIC.HEADER + frame.length)) === toHex(frame), `${what}: frame bytes in the ring differ from the frame injected`);
  const crc = u32le(mem, offset + NIC.HEADER + frame.length);
  expectSame(`0x${crc.toString(16)}`, `0x${ieee8023Crc32(frame).toString(16)}`, `${what}: CRC-32 after the frame (little-endian)`);
}

/** Where a crossing frame's header and bytes landed (their values are nic.rx.header's and nic.rx.crc's). */
export function checkPlacement(mem: Uint8Array, offset: number, frame: Uint8Array, what: string): void {
  must((u16le(mem, offset) & NIC.STATUS_ROK) !== 0, `${what}: no header (status with ROK) at its offset`);
  must(toHex(mem.subarray(offset + NIC.HEADER, offset + NIC.HEADER + frame.length)) === toHex(frame), `${what}: frame bytes in the ring differ from the frame injected`);
}

/** Enough ring to see any slot: the ring, and the longest frame written past its end. */
export const peekAll = (ctx: PropertyContext): Op => ({ op: 'peek-ring', offset: 0, length: ctx.limits.rxRingBytes + NIC.HEADER + NIC.MAX_WRITTEN + NIC.CRC });
