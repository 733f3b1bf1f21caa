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
import type { Envelope } from './queue.ts';
import type { PushOutcome } from './scheduler.ts';
import { hazardClause, type FrameAccounting, type FrameOrigin, type HazardEvent, type HazardKind, type IpcAccounting, type KernelEvent, type KernelEventBody, type LedgerSnapshot } from './ledger-records.ts';

interface BufOwner {
  frameId: number;
  len: number;
  dstPid: number;
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
