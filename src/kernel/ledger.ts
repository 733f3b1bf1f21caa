// The kernel's books: exact accounting of every frame and IPC message, the §9 hazard events
// as they happen, and a bounded journal of kernel events for traces. Nothing in the kernel
// reads the ledger to make a decision; it only observes.
//
// How the frame accounting stays exact. Every frame gets an id when it enters the system
// (injected on the wire, or handed to loopback_deliver) and is at every moment in exactly one
// state:
//   nicMissed | lostToNicReset | pendingInRing | droppedByDriver | loopbackNoDriver |
//   lostQueueFull | lostReceiverGone | overwrittenBeforeRead | deliveredAndRead | pendingUnread
// so injected + looped equals the sum of those counters at every moment.
// The key observation: NET_FRAME_BUF is one slot, so at most ONE frame can be "delivered,
// message queued, buffer still holding it" (pendingUnread) at a time — the last one delivered.
// Delivering the next frame moves it to overwrittenBeforeRead; 0x35 popping its message moves
// it to deliveredAndRead. Messages carry the id of the frame that filled the buffer when they
// were pushed (MessageRef), which is how a read is classified fresh or stale. The RX ring is
// FIFO, so the frames accepted by the NIC are a FIFO of ids that receive_frame consumes.
// IPC works the same way over the single kernel IPC buffer.
import type { InjectOutcome } from '../hw/api.ts';
import type { Envelope, MessageRef } from './queue.ts';
import type { PushOutcome } from './scheduler.ts';

export type FrameOrigin = 'wire' | 'loopback';
export type NicMissReason = 'ring-full' | 'rx-disabled' | 'too-large' | 'too-small';

export interface FrameAccounting {
  /** Frames offered on the wire through the machine. */
  injected: number;
  /** Frames handed to loopback_deliver by 0x34. */
  looped: number;
  // --- the parts: they sum to injected + looped ---
  /** Refused by the NIC (ring full → MPC, receiver disabled, size). */
  nicMissed: number;
  /** Accepted into the ring, then discarded by the NIC reset of driver registration. */
  lostToNicReset: number;
  /** In the RX ring, not yet received. */
  pendingInRing: number;
  /** Consumed from the ring but dropped by the driver (< 14 bytes or over the 2 KiB buffer). */
  droppedByDriver: number;
  /** Looped while no driver was registered: dropped. */
  loopbackNoDriver: number;
  /** Copied into NET_FRAME_BUF, but the target's queue was full: the message was lost. */
  lostQueueFull: number;
  /** Routed to a pid no live process has (its driver or binding outlived it), or queued at a process that then exited or was killed. */
  lostReceiverGone: number;
  /** Its message was queued, but a later frame overwrote NET_FRAME_BUF before 0x35 copied it. */
  overwrittenBeforeRead: number;
  /** 0x35 copied it out while NET_FRAME_BUF still held it. */
  deliveredAndRead: number;
  /** Message queued and NET_FRAME_BUF still holds it (0 or 1). */
  pendingUnread: number;
  // --- detail, not part of the balance ---
  nicMissedBy: Record<NicMissReason, number>;
  /** Frames copied into NET_FRAME_BUF, by origin. */
  deliveredFromWire: number;
  deliveredFromLoopback: number;
  /** 0x35 reads of a network message whose frame had already been overwritten. */
  staleReads: number;
}

export const FRAME_PARTS = [
  'nicMissed',
  'lostToNicReset',
  'pendingInRing',
  'droppedByDriver',
  'loopbackNoDriver',
  'lostQueueFull',
  'lostReceiverGone',
  'overwrittenBeforeRead',
  'deliveredAndRead',
  'pendingUnread',
] as const;

export interface IpcAccounting {
  sent: number;
  // --- the parts: they sum to sent ---
  lostQueueFull: number;
  /** Queued at a process that then exited or was killed, unread. */
  lostReceiverGone: number;
  overwrittenBeforeRead: number;
  read: number;
  pendingUnread: number;
  // --- detail ---
  staleReads: number;
}

export const IPC_PARTS = ['lostQueueFull', 'lostReceiverGone', 'overwrittenBeforeRead', 'read', 'pendingUnread'] as const;

// ---------------------------------------------------------------------------------------------
// Hazards (spec-notes §9): each event names the clause it breaks.

export type HazardKind =
  | 'netframebuf-disclosure'
  | 'silent-loss'
  | 'port-hijack'
  | 'unchecked-copy-length'
  | 'ipc-buffer-overwrite'
  | 'portio-nic-reprogram' // a userland 0x30 wrote a register of the NIC (§9.6)
  | 'portio-unchecked-pointers' // 0x30/0x31 dereferenced a pointer outside the window (§9.6)
  | 'driver-outlives-process'
  | 'binding-outlives-process';

export const HAZARD_KINDS: readonly HazardKind[] = [
  'netframebuf-disclosure',
  'silent-loss',
  'port-hijack',
  'unchecked-copy-length',
  'ipc-buffer-overwrite',
  'portio-nic-reprogram',
  'portio-unchecked-pointers',
  'driver-outlives-process',
  'binding-outlives-process',
];

export const hazardClause = (k: HazardKind): string => `kernel.hazard.${k}`;

export type SilentLossCause =
  | 'overwritten' // a frame's message was queued but NET_FRAME_BUF was overwritten first
  | 'queue-full' // a frame's push onto a full queue failed
  | 'ipc-queue-full' // an IPC message's push onto a full queue failed
  | 'before-driver' // refused by the NIC before the driver enabled it, or looped with no driver
  | 'nic-reset' // in the ring when driver registration reset the NIC
  | 'slip-too-large' // a 0x34/0x01 datagram whose SLIP encoding exceeds the buffer
  | 'tx-refused'; // a 0x34/0x04 frame send_frame refused (NIC not initialised)

export type HazardEvent =
  | { hazard: 'netframebuf-disclosure'; readerPid: number; messageFrameId: number; disclosed: { frameId: number; dstPid: number }[] }
  | { hazard: 'silent-loss'; cause: SilentLossCause; frameId?: number; ipcId?: number; pid?: number; bytes?: number }
  | { hazard: 'port-hijack'; how: 'handover' | 'eviction'; port: number; slot: number; previousPid: number; newPid: number; evictedPort: number }
  | { hazard: 'driver-outlives-process'; frameId: number; deadPid: number }
  | { hazard: 'binding-outlives-process'; frameId: number; port: number; deadPid: number }
  | { hazard: 'unchecked-copy-length'; pid: number; syscall: number; direction: 'to-user' | 'from-user'; addr: number; len: number; outsideBytes: number }
  | { hazard: 'portio-nic-reprogram'; pid: number; port: number; register: number; value: number }
  | { hazard: 'portio-unchecked-pointers'; pid: number; syscall: number; arg: 'arg1' | 'arg2'; addr: number; len: number }
  | {
      hazard: 'ipc-buffer-overwrite';
      phase: 'write';
      overwrittenIpcId: number;
      previousSender: number;
      previousTarget: number;
      newSender: number;
      newTarget: number;
    }
  | {
      hazard: 'ipc-buffer-overwrite';
      phase: 'read';
      readerPid: number;
      messageIpcId: number;
      expectedSender: number;
      contentIpcId: number;
      contentSender: number;
    };

// ---------------------------------------------------------------------------------------------
// Journal

export type KernelEventBody =
  | { type: 'tick'; time: number }
  | { type: 'poll'; calls: number; received: number[]; dropped: number }
  | { type: 'deliver'; frameId: number; origin: FrameOrigin; len: number; port: number | null; dstPid: number; pushed: boolean }
  | { type: 'pick'; pid: number }
  | { type: 'block'; pid: number }
  | { type: 'wake'; pid: number }
  | { type: 'lifetime'; pid: number; op: string; state: string }
  | { type: 'tick-skipped'; time: number }
  | { type: 'discard'; pid: number; messages: number }
  | { type: 'resume'; pid: number; result: number }
  | { type: 'read'; pid: number; ref: MessageRef; len: number; fresh: boolean }
  | { type: 'driver-registered'; pid: number; mac: string }
  | { type: 'bind'; port: number; pid: number; slot: number; previousPid: number }
  | { type: 'tx'; path: 'nic' | 'serial'; len: number; ok: boolean; detail?: string }
  | { type: 'loopback'; frameId: number; len: number; delivered: boolean }
  | { type: 'hazard'; clause: string; event: HazardEvent };

export type KernelEvent = { seq: number; tick: number } & KernelEventBody;

interface BufOwner {
  frameId: number;
  len: number;
  dstPid: number;
}

export interface LedgerSnapshot {
  frames: FrameAccounting;
  ipc: IpcAccounting;
  hazards: Record<HazardKind, number>;
  /** Which delivered frames' bytes NET_FRAME_BUF holds, newest first: [0, len) of the first
   * entry, then [previous len, len) of the next, and so on. */
  netFrameBufOwners: { frameId: number; len: number; dstPid: number }[];
  /** The frame whose message is queued and still readable, if any. */
  unreadFrameId: number | null;
  unreadIpcId: number | null;
  /** Every hazard event so far (up to the event limit), oldest first; takeEvents() does not clear it. */
  hazardLog: ({ seq: number; tick: number } & HazardEvent)[];
  eventsDropped: number;
}

export class Ledger {
  /** Current PIT tick; the scheduler keeps it up to date for the journal. */
  tick = 0;
  protected readonly frames: FrameAccounting = {
    injected: 0,
    looped: 0,
    nicMissed: 0,
    lostToNicReset: 0,
    pendingInRing: 0,
    droppedByDriver: 0,
    loopbackNoDriver: 0,
    lostQueueFull: 0,
    lostReceiverGone: 0,
    overwrittenBeforeRead: 0,
    deliveredAndRead: 0,
    pendingUnread: 0,
    nicMissedBy: { 'ring-full': 0, 'rx-disabled': 0, 'too-large': 0, 'too-small': 0 },
    deliveredFromWire: 0,
    deliveredFromLoopback: 0,
    staleReads: 0,
  };
  protected readonly ipc: IpcAccounting = { sent: 0, lostQueueFull: 0, lostReceiverGone: 0, overwrittenBeforeRead: 0, read: 0, pendingUnread: 0, staleReads: 0 };
  protected readonly hazards: Record<HazardKind, number> = {
    'netframebuf-disclosure': 0,
    'silent-loss': 0,
    'port-hijack': 0,
    'unchecked-copy-length': 0,
    'ipc-buffer-overwrite': 0,
    'portio-nic-reprogram': 0,
    'portio-unchecked-pointers': 0,
    'driver-outlives-process': 0,
    'binding-outlives-process': 0,
  };
  protected nextFrameId = 1;
  protected nextIpcId = 1;
  /** Frame ids in the RX ring, oldest first (ring[ringHead] is next). */
  protected ring: number[] = [];
  protected ringHead = 0;
  /** NET_FRAME_BUF byte ownership, bottom (oldest, longest) to top (newest). */
  protected owners: BufOwner[] = [];
  protected unreadFrame: number | null = null;
  protected unreadIpc: number | null = null;
  protected ipcContent: { id: number; sender: number; target: number } | null = null;
  protected events: KernelEvent[] = [];
  protected readonly hazardLog: ({ seq: number; tick: number } & HazardEvent)[] = [];
  protected seq = 0;
  protected eventsDropped = 0;

  constructor(private readonly eventLimit = 10_000) {}

  // --- journal --------------------------------------------------------------------------------

  record(body: KernelEventBody): void {
    this.seq++;
    if (this.events.length >= this.eventLimit) {
      this.eventsDropped++;
      return;
    }
    this.events.push({ seq: this.seq, tick: this.tick, ...body });
  }

  /** Returns the journal since the last call and clears it. */
  takeEvents(): KernelEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  hazard(h: HazardEvent): void {
    this.hazards[h.hazard]++;
    this.record({ type: 'hazard', clause: hazardClause(h.hazard), event: h });
    if (this.hazardLog.length < this.eventLimit) this.hazardLog.push({ seq: this.seq, tick: this.tick, ...h });
  }

  // --- wire side ------------------------------------------------------------------------------

  /** A frame offered to the NIC from the wire; returns its id. */
  wireInjected(outcome: InjectOutcome): number {
    const id = this.nextFrameId++;
    this.frames.injected++;
    if (outcome.accepted) {
      this.ring.push(id);
      this.frames.pendingInRing++;
    } else {
      this.frames.nicMissed++;
      this.frames.nicMissedBy[outcome.reason]++;
      // ring-full is counted by the NIC (MPC) and size refusals are documented rules; a frame
      // refused because no driver has enabled the receiver yet is reported to no one.
      if (outcome.reason === 'rx-disabled') this.hazard({ hazard: 'silent-loss', cause: 'before-driver', frameId: id });
    }
    return id;
  }

  /** Driver registration reset the NIC: whatever sat in the ring is gone. */
  nicReset(): void {
    while (this.ringHead < this.ring.length) {
      const id = this.ring[this.ringHead++] as number;
      this.frames.pendingInRing--;
      this.frames.lostToNicReset++;
      this.hazard({ hazard: 'silent-loss', cause: 'nic-reset', frameId: id });
    }
    this.compactRing();
  }

  /** receive_frame consumed the oldest ring frame; returns its id (undefined if the books say the ring is empty). */
  ringTake(): number | undefined {
    if (this.ringHead >= this.ring.length) return undefined;
    const id = this.ring[this.ringHead++] as number;
    this.frames.pendingInRing--;
    this.compactRing();
    return id;
  }

  get ringPending(): number {
    return this.ring.length - this.ringHead;
  }

  driverDropped(_frameId: number): void {
    this.frames.droppedByDriver++;
  }

  protected compactRing(): void {
    if (this.ringHead > 1024 && this.ringHead * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.ringHead);
      this.ringHead = 0;
    }
  }

  // --- loopback -------------------------------------------------------------------------------

  looped(): number {
    this.frames.looped++;
    return this.nextFrameId++;
  }

  loopbackDropped(frameId: number, len: number): void {
    this.frames.loopbackNoDriver++;
    this.record({ type: 'loopback', frameId, len, delivered: false });
    this.hazard({ hazard: 'silent-loss', cause: 'before-driver', frameId });
  }

  // --- NET_FRAME_BUF --------------------------------------------------------------------------

  /** A frame was copied into NET_FRAME_BUF and its message pushed (or not: queue full, or no such live process). */
  delivered(frameId: number, origin: FrameOrigin, len: number, port: number | null, dstPid: number, outcome: PushOutcome): void {
    const pushed = outcome === 'pushed';
    if (this.unreadFrame !== null) {
      const lost = this.unreadFrame;
      this.unreadFrame = null;
      this.frames.pendingUnread--;
      this.frames.overwrittenBeforeRead++;
      this.hazard({ hazard: 'silent-loss', cause: 'overwritten', frameId: lost });
    }
    while (this.owners.length > 0 && (this.owners[this.owners.length - 1] as BufOwner).len <= len) this.owners.pop();
    if (len > 0) this.owners.push({ frameId, len, dstPid });
    if (origin === 'wire') this.frames.deliveredFromWire++;
    else this.frames.deliveredFromLoopback++;
    this.record({ type: 'deliver', frameId, origin, len, port, dstPid, pushed });
    if (pushed) {
      this.frames.pendingUnread++;
      this.unreadFrame = frameId;
    } else if (outcome === 'gone') {
      this.frames.lostReceiverGone++;
    } else {
      this.frames.lostQueueFull++;
      this.hazard({ hazard: 'silent-loss', cause: 'queue-full', frameId, pid: dstPid });
    }
  }

  /** A process exited or was killed with these messages queued: the unread one among them is lost with it. */
  receiverGone(pid: number, queued: readonly Envelope[]): void {
    for (const { ref } of queued) {
      if (ref.kind === 'frame' && ref.id === this.unreadFrame) {
        this.unreadFrame = null;
        this.frames.pendingUnread--;
        this.frames.lostReceiverGone++;
      } else if (ref.kind === 'ipc' && ref.id === this.unreadIpc) {
        this.unreadIpc = null;
        this.ipc.pendingUnread--;
        this.ipc.lostReceiverGone++;
      }
    }
    this.record({ type: 'discard', pid, messages: queued.length });
  }

  /** 0x35 copied `len` bytes of NET_FRAME_BUF for a message that referred to frame `frameId`. */
  netRead(readerPid: number, frameId: number, len: number): { fresh: boolean } {
    const fresh = frameId === this.unreadFrame;
    if (fresh) {
      this.unreadFrame = null;
      this.frames.pendingUnread--;
      this.frames.deliveredAndRead++;
    } else {
      this.frames.staleReads++;
    }
    // Whose bytes did the copy hand over? Walk the ownership stack from the newest frame.
    const disclosed: { frameId: number; dstPid: number }[] = [];
    let from = 0;
    for (let i = this.owners.length - 1; i >= 0 && from < len; i--) {
      const o = this.owners[i] as BufOwner;
      if (o.frameId !== frameId && o.dstPid !== readerPid) disclosed.push({ frameId: o.frameId, dstPid: o.dstPid });
      from = o.len;
    }
    this.record({ type: 'read', pid: readerPid, ref: { kind: 'frame', id: frameId }, len, fresh });
    if (disclosed.length > 0) this.hazard({ hazard: 'netframebuf-disclosure', readerPid, messageFrameId: frameId, disclosed });
    return { fresh };
  }

  // --- IPC buffer -----------------------------------------------------------------------------

  /** 0x36 copied into the IPC buffer (overwriting whatever it held); returns the send's id. */
  ipcWritten(sender: number, target: number): number {
    const id = this.nextIpcId++;
    this.ipc.sent++;
    if (this.unreadIpc !== null && this.ipcContent) {
      this.ipc.pendingUnread--;
      this.ipc.overwrittenBeforeRead++;
      this.hazard({
        hazard: 'ipc-buffer-overwrite',
        phase: 'write',
        overwrittenIpcId: this.unreadIpc,
        previousSender: this.ipcContent.sender,
        previousTarget: this.ipcContent.target,
        newSender: sender,
        newTarget: target,
      });
      this.unreadIpc = null;
    }
    this.ipcContent = { id, sender, target };
    return id;
  }

  /** ...and then pushed its message to the target (or failed: queue full). */
  ipcQueued(ipcId: number, target: number, pushed: boolean): void {
    if (pushed) {
      this.ipc.pendingUnread++;
      this.unreadIpc = ipcId;
    } else {
      this.ipc.lostQueueFull++;
      this.hazard({ hazard: 'silent-loss', cause: 'ipc-queue-full', ipcId, pid: target });
    }
  }

  /** 0x35 copied the IPC buffer for a message that referred to IPC send `ipcId` from `expectedSender`. */
  ipcRead(readerPid: number, ipcId: number, expectedSender: number, len: number): { fresh: boolean } {
    const fresh = ipcId === this.unreadIpc;
    if (fresh) {
      this.unreadIpc = null;
      this.ipc.pendingUnread--;
      this.ipc.read++;
    } else {
      this.ipc.staleReads++;
    }
    this.record({ type: 'read', pid: readerPid, ref: { kind: 'ipc', id: ipcId }, len, fresh });
    if (!fresh && this.ipcContent)
      this.hazard({
        hazard: 'ipc-buffer-overwrite',
        phase: 'read',
        readerPid,
        messageIpcId: ipcId,
        expectedSender,
        contentIpcId: this.ipcContent.id,
        contentSender: this.ipcContent.sender,
      });
    return { fresh };
  }

  // --- snapshot -------------------------------------------------------------------------------

  snapshot(): LedgerSnapshot {
    return {
      frames: { ...this.frames, nicMissedBy: { ...this.frames.nicMissedBy } },
      ipc: { ...this.ipc },
      hazards: { ...this.hazards },
      netFrameBufOwners: this.owners
        .slice()
        .reverse()
        .map((o) => ({ ...o })),
      unreadFrameId: this.unreadFrame,
      unreadIpcId: this.unreadIpc,
      hazardLog: this.hazardLog.map((h) => ({ ...h })),
      eventsDropped: this.eventsDropped,
    };
  }
}
