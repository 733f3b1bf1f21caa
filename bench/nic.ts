// NIC throughput of the model: frames per second wire -> ring -> driver (inject + receive_frame)
// and driver -> descriptor -> wire (send_frame, the chip's DMA and transmit), at the minimum and
// maximum Ethernet frame, against the line rate of the real 100 Mbit/s card at that size.
import { createHardware } from '../src/hw/index.ts';
import { seedProfile } from '../src/spec/profile.ts';
import { CRC_BYTES } from '../src/hw/rtl8139-regs.ts';
import { anchored, filler, measureTogether, rateRow, type BenchRow, type MeasureOptions } from './harness.ts';

/** 100BASE-TX: 100 Mbit/s; per frame on the wire add FCS 4, preamble + SFD 8, inter-frame gap 12 bytes. */
const LINK_BITS_PER_SECOND = 100e6;
const PER_FRAME_OVERHEAD = 4 + 8 + 12;
const lineRate = (frameBytes: number): number => LINK_BITS_PER_SECOND / ((frameBytes + PER_FRAME_OVERHEAD) * 8);

export async function nicBench(o: MeasureOptions): Promise<BenchRow[]> {
  const profile = seedProfile();
  const rows: BenchRow[] = [];
  for (const size of [profile.limits.minEthernetFrame, profile.limits.maxEthernetFrame]) {
    const frame = filler(size, size);

    const rx = createHardware(profile);
    if (!rx.nicDriver.init().ok) throw new Error('bench: rtl8139 init failed');
    const into = new Uint8Array(profile.limits.rxCallerBufferBytes);
    const receiveOne = (): number => {
      const o = rx.nic.inject(frame);
      const n = rx.nicDriver.receiveFrame(into);
      // The delivered length is the frame and its 4 CRC bytes (spec-notes §6).
      if (!o.accepted || n !== size + CRC_BYTES) throw new Error('bench: frame lost on the receive path');
      return n;
    };

    const tx = createHardware(profile);
    if (!tx.nicDriver.init().ok) throw new Error('bench: rtl8139 init failed');
    let sent = 0;
    const sendOne = (): number => {
      if (!tx.nicDriver.sendFrame(frame, size).ok) throw new Error('bench: send_frame refused');
      if (++sent % 1024 === 0 && tx.nic.takeWire().length !== 1024) throw new Error('bench: frames missing on the wire');
      return sent;
    };
    const [r, t] = await measureTogether([{ fn: receiveOne }, { fn: sendOne }], o);
    const line = { name: `100 Mbit/s line rate at ${size} B (${Math.round(lineRate(size)).toLocaleString('en-US')} frames/s)`, value: lineRate(size), basis: 'cpu' as const };
    rows.push(anchored(rateRow('nic', `wire -> ring -> receive_frame, ${size} B`, 'frames/s', r!), line, 10));
    rows.push(anchored(rateRow('nic', `send_frame -> descriptor -> wire, ${size} B`, 'frames/s', t!), line, 10));
  }
  return rows;
}
