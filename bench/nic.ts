// NIC throughput of the model: frames per second wire -> ring -> driver (inject + receive_frame)
// and driver -> descriptor -> wire (send_frame, the chip's DMA and transmit), at the minimum and
// maximum Ethernet frame, against the line rate of the real 100 Mbit/s card.
import { createHardware } from '../src/hw/index.ts';
import { seedProfile } from '../src/spec/profile.ts';
import { CRC_BYTES } from '../src/hw/rtl8139-regs.ts';
import { filler, measure, type BenchRow } from './harness.ts';

/** 100BASE-TX: 100 Mbit/s; per frame on the wire add FCS 4, preamble + SFD 8, inter-frame gap 12 bytes. */
const LINK_BITS_PER_SECOND = 100e6;
const PER_FRAME_OVERHEAD = 4 + 8 + 12;
const lineRate = (frameBytes: number): number => LINK_BITS_PER_SECOND / ((frameBytes + PER_FRAME_OVERHEAD) * 8);
/** The figure the issue compares with: minimum-size frames at 100 Mbit/s (≈ 148 810 frames/s). */
const LINE_RATE_MIN_FRAMES = lineRate(60);

function note(fps: number, frameBytes: number): string {
  const vsMin = `${(fps / LINE_RATE_MIN_FRAMES).toFixed(2)}× the 148 810 frames/s line rate of a 100 Mbit/s card`;
  if (frameBytes === 60) return vsMin;
  return `${vsMin}; ${(fps / lineRate(frameBytes)).toFixed(1)}× its ${Math.round(lineRate(frameBytes)).toLocaleString('en-US')} frames/s at ${frameBytes} B`;
}

export function nicBench(): BenchRow[] {
  const profile = seedProfile();
  const rows: BenchRow[] = [];
  for (const size of [profile.limits.minEthernetFrame, profile.limits.maxEthernetFrame]) {
    const frame = filler(size, size);

    const rx = createHardware(profile);
    if (!rx.nicDriver.init().ok) throw new Error('bench: rtl8139 init failed');
    const into = new Uint8Array(profile.limits.rxCallerBufferBytes);
    const receiveOne = (): void => {
      const o = rx.nic.inject(frame);
      if (!o.accepted || rx.nicDriver.receiveFrame(into) !== size + CRC_BYTES) throw new Error('bench: frame lost on the receive path');
    };
    const r = measure(receiveOne);
    rows.push({ group: 'nic', name: `wire -> ring -> receive_frame, ${size} B`, value: r.opsPerSec, unit: 'frames/s', spread: r.spread, note: note(r.opsPerSec, size) });

    const tx = createHardware(profile);
    if (!tx.nicDriver.init().ok) throw new Error('bench: rtl8139 init failed');
    let sent = 0;
    const sendOne = (): void => {
      if (!tx.nicDriver.sendFrame(frame, size).ok) throw new Error('bench: send_frame refused');
      if (++sent % 1024 === 0 && tx.nic.takeWire().length !== 1024) throw new Error('bench: frames missing on the wire');
    };
    const t = measure(sendOne);
    rows.push({ group: 'nic', name: `send_frame -> descriptor -> wire, ${size} B`, value: t.opsPerSec, unit: 'frames/s', spread: t.spread, note: note(t.opsPerSec, size) });
  }
  return rows;
}
