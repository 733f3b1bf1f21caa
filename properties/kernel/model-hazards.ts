// The model's books of the §9 hazard events the snapshot's `hazards` counts
// (kernel.decision.hazard-counts), written from the clauses: one event per frame or message lost
// silently (each cause of kernel.hazard.silent-loss), per bind that takes a slot from another
// pid, per IPC buffer overwrite (the write that overwrites an unread message, and each read of
// a message whose content was overwritten), per 0x35 copy that hands over bytes of a frame
// delivered for another process, and per frame routed to a dead driver or binding. The Model
// calls add() where each happens; the events keep a line each for messages.
import type { MFrame } from './model.ts';

/** The clause that checks the silent-loss count of a lost 0x34 send (properties/kernel/transmit-edges.ts). */
export const TX_LOSS_EVENTS = 'kernel.decision.tx-loss-events';

/** The hazard counters this model keeps (the two port-I/O ones and unchecked-copy-length are checked by their own properties). */
export const COUNTED_HAZARDS = ['netframebuf-disclosure', 'silent-loss', 'port-hijack', 'ipc-buffer-overwrite', 'driver-outlives-process', 'binding-outlives-process'] as const;
export type CountedHazard = (typeof COUNTED_HAZARDS)[number];

/** Who owns which bytes of NET_FRAME_BUF: each copy overwrites [0, len). */
interface Owner {
  frame: MFrame;
  len: number;
  dstPid: number;
}

export class HazardBooks {
  /** `owner`: the clause that checks this event's count when it is not kernel.decision.hazard-counts. */
  readonly events: { kind: CountedHazard; why: string; owner?: string }[] = [];
  /** Bottom (oldest, longest) to top (newest): a later, shorter frame leaves the tail of older ones. */
  private owners: Owner[] = [];

  add(kind: CountedHazard, why: string, owner?: string): void {
    this.events.push(owner === undefined ? { kind, why } : { kind, why, owner });
  }

  /** A counter some of whose events another clause checks: its total cannot tell whose count is wrong. */
  shared(kind: CountedHazard): boolean {
    return this.events.some((e) => e.kind === kind && e.owner !== undefined);
  }

  count(kind: CountedHazard): number {
    return this.events.filter((e) => e.kind === kind).length;
  }

  /** A frame was copied into NET_FRAME_BUF for `dstPid`. */
  copied(frame: MFrame, dstPid: number): void {
    const len = frame.received.length;
    while (this.owners.length > 0 && this.owners[this.owners.length - 1]!.len <= len) this.owners.pop();
    if (len > 0) this.owners.push({ frame, len, dstPid });
  }

  /** 0x35 copied the first `len` bytes of NET_FRAME_BUF to `reader` for a message of `frame`: any byte of a frame delivered for another pid is a disclosure. */
  frameRead(reader: number, frame: MFrame, len: number): void {
    const others: string[] = [];
    let from = 0;
    for (let i = this.owners.length - 1; i >= 0 && from < len; i--) {
      const o = this.owners[i]!;
      if (o.frame !== frame && o.dstPid !== reader) others.push(`#${o.frame.n} (for pid ${o.dstPid}, bytes ${from}..${Math.min(o.len, len)})`);
      from = o.len;
    }
    if (others.length) this.add('netframebuf-disclosure', `pid ${reader}'s read of frame #${frame.n}'s message handed over bytes of frame ${others.join(', ')}`);
  }
}
