// A process's message queue (task/queue.rs): a fixed circular queue of messageQueueDepth
// Messages. A push onto a full queue fails and nothing else happens [r2-code]; the caller
// decides whether to count the loss.

/** The kernel IPC message [seed, r2-doc]. For network delivery portId is the frame length and
 * bufAddr is NET_FRAME_BUF's kernel address; for 0x36 IPC portId is 0. */
export interface Message {
  portId: number;
  srcPid: number;
  dstPid: number;
  bufAddr: number;
}

/**
 * What the message refers to, kept beside it for accounting only (the kernel never reads it
 * to decide anything): which delivered frame, or which IPC send, filled the shared buffer when
 * the message was pushed. This is how the ledger tells a fresh read from a stale one.
 */
export type MessageRef = { kind: 'frame'; id: number } | { kind: 'ipc'; id: number };

export interface Envelope {
  msg: Message;
  ref: MessageRef;
}

export class MessageQueue {
  private readonly slots: (Envelope | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly depth: number) {
    this.slots = new Array<Envelope | undefined>(Math.max(0, depth)).fill(undefined);
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.depth;
  }

  /** Appends at the tail; false (and no change) when the queue is full. */
  push(e: Envelope): boolean {
    if (this.full) return false;
    this.slots[(this.head + this.count) % this.depth] = e;
    this.count++;
    return true;
  }

  /** Removes the head, oldest first. */
  pop(): Envelope | undefined {
    if (this.count === 0) return undefined;
    const e = this.slots[this.head];
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.depth;
    this.count--;
    return e;
  }

  /** Oldest first, for snapshots and accounting checks. */
  toArray(): Envelope[] {
    const out: Envelope[] = [];
    for (let i = 0; i < this.count; i++) {
      const e = this.slots[(this.head + i) % this.depth];
      if (e) out.push(e);
    }
    return out;
  }
}
