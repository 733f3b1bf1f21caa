// The model's vocabulary: return codes and syscall numbers, the fates a frame or IPC message can
// meet (the accounting categories), and the shapes of processes, copies, effects and ticks that
// properties/kernel/model.ts computes and the model-based properties compare.
import type { PortIoEffects } from './model-portio.ts';

/** kernel.scheduler.process-ids: the first process gets pid 1. */
export const FIRST_PID = 1;

export const RC = { Okay: 0x00, NotImplemented: 0xfb, InvalidInput: 0xfc, InvalidSyscall: 0xff } as const;
export const SYS = { Build: 0x33, Send: 0x34, Receive: 0x35, Ipc: 0x36, Register: 0x37, Status: 0x38 } as const;

export type FrameFate =
  | 'nic-missed'
  | 'lost-to-nic-reset'
  | 'in-ring'
  | 'driver-dropped'
  | 'looped-no-driver'
  | 'lost-queue-full'
  | 'lost-receiver-gone'
  | 'overwritten'
  | 'read'
  | 'pending-unread';

/** Counter names of the snapshot's `frames` object, in the order of the clause. */
export const FRAME_COUNTERS: Record<FrameFate, string> = {
  'nic-missed': 'nicMissed',
  'lost-to-nic-reset': 'lostToNicReset',
  'in-ring': 'pendingInRing',
  'driver-dropped': 'droppedByDriver',
  'looped-no-driver': 'loopbackNoDriver',
  'lost-queue-full': 'lostQueueFull',
  'lost-receiver-gone': 'lostReceiverGone',
  overwritten: 'overwrittenBeforeRead',
  read: 'deliveredAndRead',
  'pending-unread': 'pendingUnread',
};

export type IpcFate = 'lost-queue-full' | 'lost-receiver-gone' | 'overwritten' | 'read' | 'pending-unread';
export const IPC_COUNTERS: Record<IpcFate, string> = { 'lost-queue-full': 'lostQueueFull', 'lost-receiver-gone': 'lostReceiverGone', overwritten: 'overwrittenBeforeRead', read: 'read', 'pending-unread': 'pendingUnread' };

export interface MFrame {
  /** 1, 2, 3... in the order frames entered (injected or looped). */
  n: number;
  bytes: Uint8Array;
  /**
   * What NET_FRAME_BUF and the receiver get: a wire frame as receive_frame hands it back, with
   * its 4 CRC bytes (nic.rx.deliver-includes-crc); a looped frame as it is (it skips the NIC).
   */
  received: Uint8Array;
  origin: 'wire' | 'loopback-raw' | 'loopback-ipv4';
  /** Index of the op that offered it. */
  op: number;
  fate: FrameFate;
  /** The receiver routing chose, once it was delivered. */
  dstPid?: number;
  /** The tick that delivered it (0: looped, delivered at once). */
  tick?: number;
  /** Lost with its receiver's queue when the receiver exited or was killed (not routed to a dead pid). */
  lostWithQueue?: boolean;
}

export interface MIpc {
  n: number;
  src: number;
  dst: number;
  bytes: Uint8Array;
  op: number;
  fate: IpcFate;
}

export type MMsg = { kind: 'frame'; frame: MFrame; len: number } | { kind: 'ipc'; ipc: MIpc };


/** Where a process is in its life beside a blocking receive (kernel.decision.process-ops). */
export type Life = 'alive' | 'sleeping' | 'idle' | 'crashed' | 'dead';

/** The lifetime ops. */
export type LifeOp = 'exit' | 'kill' | 'crash' | 'sleep' | 'idle';

export interface MProc {
  pid: number;
  /** Process-table slot (kernel.decision.process-slots). */
  slot: number;
  /** An earlier process (since reaped) held the slot. */
  reusedSlot: boolean;
  life: Life;
  /** The tick count a sleeper wakes at. */
  sleepUntil: number | null;
  /** The clause and reason of its last change of state, for messages. */
  because: { clause: string; why: string } | null;
  /** Memory as 4 KiB pages, created on first write; unwritten bytes read as 0. */
  mem: Map<number, Uint8Array>;
  queue: MMsg[];
  /** Blocked in a receive (not runnable); a sleep is `life`. */
  blocked: boolean;
  /** Inside a blocking 0x35 (blocked, or woken and not yet picked): where the copy goes. */
  receive: { addr: number; op: number } | null;
  /** Tick (or -1: a syscall) of the push that last woke it. */
  wokenBy: { tick: number; byPoll: boolean } | null;
}

/** The result of a copy-out: what 0x35 returned and the bytes it wrote. */
export interface Copy {
  pid: number;
  addr: number;
  len: number;
  bytes: Uint8Array;
  msg: MMsg;
  /** True when the buffer still held the message's own content. */
  fresh: boolean;
}

/** 'out-of-scope': a number rou2exOS defines outside the modelled ABI (kernel.syscall.undefined-numbers). */
export type SyscallExpect = number | 'blocked' | 'no-such-process' | 'out-of-scope';

/** What one syscall did, beyond its result. */
export interface Effects {
  copy?: Copy;
  wire?: Uint8Array;
  /** The derived length of a raw frame that goes to the NIC (before padding). */
  wireLen?: number;
  serial?: Uint8Array;
  looped?: MFrame;
  ipc?: MIpc;
  bind?: { port: number; slot: number; how: 'rebind' | 'first-free' | 'evict'; previous: { port: number; pid: number } | null };
  register?: 'registered' | 'already' | 'failed';
  /** 0x36 to a process that exited or was killed, or to a crashed one (kernel.decision.process-0x36-exited). */
  target?: 'gone' | 'crashed';
  /** Bytes this syscall read or wrote past the window end, by direction. */
  crossed: { read: boolean; write: boolean };
  /** 0x30..0x32: the port reached and the byte put on the serial line (model-portio.ts). */
  portio?: PortIoEffects;
  why?: string;
}

export interface TickExpect {
  tick: number;
  /** A busy tick: skipped (kernel.tick.busy-skipped). */
  skipped: boolean;
  woken: number[];
  reaped: number[];
  delivered: { frame: MFrame; len: number; dstPid: number; pushed: boolean }[];
  dropped: MFrame[];
  picked: number;
  resumed: Copy | null;
}
