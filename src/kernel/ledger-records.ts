// What the kernel's ledger (ledger.ts) records: the frame and IPC accounting, whose parts sum
// to what entered; the §9 hazard events, each naming the clause it breaks; the journal's kernel
// events; and the snapshot a trace carries. Shapes and names only: ledger.ts keeps the books.
import type { MessageRef } from './queue.ts';

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
