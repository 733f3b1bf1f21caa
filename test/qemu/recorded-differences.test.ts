// The recorded QEMU differences (spec/hardware/qemu.json) recognise exactly the failure they
// record: a clause passes against one only for that shape, never for a neighbouring real bug.
// Pure data checks: no QEMU needed.
import { describe, expect, it } from 'vitest';
import type { Statement } from '../../src/iut/contract.ts';
import { recordedDifference } from '../../src/spec/hardware.ts';

const qemu = { backend: { name: 'qemu', version: 'test' } } as unknown as Statement;
const RING = 8192;
const wrapMsg = (start: number, want: number, got: number): string =>
  `with WRAP the chip writes header, frame and CRC in one piece past the ring end: expected "[${start}, ${want})", got "[${start}, ${got})"`;
const advanceMsg = (at: number, by: number, want: number, got: number): string =>
  `RX_OFFSET, CAPR after the frame with its header at ${at}, crossing the ring end by ${by} bytes: expected [${want},${(want - 16) & 0xffff}], got [${got},${(got - 16) & 0xffff}]`;
const align4 = (n: number): number => (n + 3) & ~3;

describe('spec/hardware/qemu.json failure patterns', () => {
  it('runt padding across the ring end: every padded runt is recognised, a frame of any other shape is not', () => {
    for (let back = 1; back <= 16; back++) {
      const start = RING - 4 * back;
      for (let length = 1; length < 60; length++) {
        const end = start + 8 + length;
        if (end <= RING) continue; // does not cross the ring end
        const padded = start + 68;
        expect(recordedDifference(qemu, 'nic.rx.wrap', wrapMsg(start, end, padded))?.id, `${back}/${length}`).toBe('rx-pads-short-frames-across-the-ring-end');
        expect(recordedDifference(qemu, 'nic.rx.advance', advanceMsg(start, end - RING, align4(end) - RING, padded - RING))?.id).toBe('rx-pads-short-frames-across-the-ring-end');
        // One dword short or long of the padding, or a read offset off by a dword: a bug.
        expect(recordedDifference(qemu, 'nic.rx.wrap', wrapMsg(start, end, padded - 4))).toBeUndefined();
        expect(recordedDifference(qemu, 'nic.rx.wrap', wrapMsg(start, end, padded + 4))).toBeUndefined();
        expect(recordedDifference(qemu, 'nic.rx.advance', advanceMsg(start, end - RING, align4(end) - RING, padded - RING + 4))).toBeUndefined();
      }
    }
    // A full-size frame cut to the padded size is a truncation, not padding.
    expect(recordedDifference(qemu, 'nic.rx.wrap', wrapMsg(8188, 8260, 8256))).toBeUndefined();
    expect(recordedDifference(qemu, 'nic.rx.advance', advanceMsg(8188, 80, 80, 64))).toBeUndefined();
  });

  it('back-pressure: a fitting frame refused as held only while less than a full frame (1514 bytes) is free', () => {
    const msg = (free: number, reason: string): string =>
      `inject of a 1500-byte frame (op #3, align4(frame + 8) = 1508, free ${free}, 2 unread frames, refused as ${reason}): accepted: expected true, got false`;
    for (const free of [1512, 1513]) expect(recordedDifference(qemu, 'nic.rx.ring-full', msg(free, 'held'))?.id).toBe('rx-back-pressure');
    for (const free of [1514, 1600, 8000]) expect(recordedDifference(qemu, 'nic.rx.ring-full', msg(free, 'held'))).toBeUndefined();
    expect(recordedDifference(qemu, 'nic.rx.ring-full', msg(1512, 'ring-full'))).toBeUndefined();
    expect(recordedDifference(qemu, 'nic.rx.ring-full', msg(1512, 'rx-disabled'))).toBeUndefined();
  });

  it('a held frame surviving CR.RST: only frame #0 into an empty RBLEN 1-3 ring', () => {
    const msg = (rblen: number, frame: number, free: number): string =>
      `RBLEN ${rblen} (a ${RING << rblen}-byte ring): frame #${frame} (1514 bytes, ${free} bytes free): accepted: expected true, got false`;
    for (const rblen of [1, 2, 3]) expect(recordedDifference(qemu, 'nic.rx.ring-full', msg(rblen, 0, RING << rblen))?.id).toBe('rx-held-frame-survives-chip-reset');
    expect(recordedDifference(qemu, 'nic.rx.ring-full', msg(0, 0, RING))).toBeUndefined();
    expect(recordedDifference(qemu, 'nic.rx.ring-full', msg(1, 3, (RING << 1) - 3 * 1524))).toBeUndefined();
    expect(recordedDifference(qemu, 'nic.rx.ring-full', 'MPC after op #1 (0 refused so far): expected 0, got 6')).toBeUndefined();
  });
});
