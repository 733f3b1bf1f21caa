// The scheduler (task/scheduler.rs as r2-doc describes it): processes with their own user
// memory and one message queue each, block/wake, and the PIT tick. On every tick the virtual
// clock advances by 1/pitHz, netdrv::poll_and_deliver() runs, and only THEN is the next
// runnable process picked, round-robin in pid order [seed]. A process blocked in a receive
// (0x35 with an empty queue) is skipped until a push wakes it; its receive completes when the
// scheduler next picks it (kernel.decision.blocking-receive-result).
import type { VirtualClock } from '../hw/api.ts';
import type { Profile } from '../spec/profile.ts';
import type { Ledger } from './ledger.ts';
import { UserMemory } from './memory.ts';
import { MessageQueue } from './queue.ts';
import type { Envelope } from './queue.ts';

export type ProcState = 'runnable' | 'blocked';

export interface Process {
  readonly pid: number;
  state: ProcState;
  readonly memory: UserMemory;
  readonly queue: MessageQueue;
  /** Set while the process is inside a blocking 0x35: the (checked) user buffer to copy into on resume. */
  pendingReceive: { bufAddr: number } | null;
  /** Pushes refused because the queue was full. */
  pushFailures: number;
}

/** What one poll_and_deliver did: receive_frame calls, frame ids delivered, frames the driver dropped. */
export interface PollRecord {
  calls: number;
  received: number[];
  dropped: number;
}

export interface TickRecord {
  tick: number;
  /** Virtual seconds since reset after this tick (tick / pitHz). */
  time: number;
  /** The order of the tick's steps; 'poll' always comes before 'pick' [seed]. */
  order: ('poll' | 'pick' | 'resume')[];
  poll: PollRecord;
  /** The process picked to run next, or noPid when nothing is runnable. */
  picked: number;
  /** A blocked 0x35 completed for the picked process: its deferred result. */
  resumed: { pid: number; result: number } | null;
}

/** First pid handed out; r2 keeps slot 0 for the kernel's idle task. */
export const FIRST_PID = 1;

export class Scheduler {
  protected readonly procs: Process[] = [];
  protected readonly byPid = new Map<number, Process>();
  protected nextPid = FIRST_PID;
  /** The process picked by the last tick (noPid when idle or before the first tick). */
  current: number;
  ticks = 0;
  protected poll: () => PollRecord = () => ({ calls: 0, received: [], dropped: 0 });
  protected resume: (p: Process) => number | null = () => null;

  constructor(
    protected readonly profile: Profile,
    protected readonly clock: VirtualClock,
    protected readonly ledger: Ledger,
  ) {
    this.current = profile.limits.noPid;
  }

  /** Wires the tick to netdrv (poll) and the syscall layer (completion of a blocked receive). */
  attach(hooks: { poll: () => PollRecord; resume: (p: Process) => number | null }): void {
    this.poll = hooks.poll;
    this.resume = hooks.resume;
  }

  /**
   * Creates a runnable process (kernel.scheduler.process-ids). noPid when the process table is
   * full — maxProcesses at once, kernelProcesses of them the kernel's own — or when the pid
   * counter, which only goes up, reaches the sentinel. Processes never exit in this model, so
   * every spawned process is alive.
   */
  spawn(): number {
    const { noPid, messageQueueDepth, maxProcesses, kernelProcesses } = this.profile.limits;
    if (this.procs.length >= maxProcesses - kernelProcesses || this.nextPid >= noPid) return noPid;
    const p: Process = {
      pid: this.nextPid++,
      state: 'runnable',
      memory: new UserMemory(this.profile.limits),
      queue: new MessageQueue(messageQueueDepth),
      pendingReceive: null,
      pushFailures: 0,
    };
    this.procs.push(p);
    this.byPid.set(p.pid, p);
    return p.pid;
  }

  get(pid: number): Process | undefined {
    return this.byPid.get(pid);
  }

  all(): readonly Process[] {
    return this.procs;
  }

  /** scheduler::push_msg: false when the pid is unknown or its queue is full (the message is lost). Wakes a blocked receiver. */
  pushMsg(pid: number, e: Envelope): boolean {
    const p = this.byPid.get(pid);
    if (!p) return false;
    if (!p.queue.push(e)) {
      p.pushFailures++;
      return false;
    }
    this.wake(pid);
    return true;
  }

  popMsg(pid: number): Envelope | undefined {
    return this.byPid.get(pid)?.queue.pop();
  }

  /** Blocks the caller of a blocking 0x35 on an empty queue. */
  block(pid: number, bufAddr: number): void {
    const p = this.byPid.get(pid);
    if (!p) return;
    p.state = 'blocked';
    p.pendingReceive = { bufAddr };
    this.ledger.record({ type: 'block', pid });
  }

  /** scheduler::wake: a blocked process becomes runnable; its receive completes when it is next picked. */
  wake(pid: number): void {
    const p = this.byPid.get(pid);
    if (!p || p.state !== 'blocked') return;
    p.state = 'runnable';
    this.ledger.record({ type: 'wake', pid });
  }

  /** One PIT tick: clock, poll_and_deliver, then the round-robin pick. */
  tick(): TickRecord {
    const { pitHz, noPid } = this.profile.limits;
    this.ticks++;
    this.ledger.tick = this.ticks;
    this.clock.advance(1 / pitHz);
    const time = this.ticks / pitHz;
    this.ledger.record({ type: 'tick', time });
    const order: TickRecord['order'] = [];

    const poll = this.poll();
    order.push('poll');

    const next = this.pickNext();
    this.current = next ? next.pid : noPid;
    order.push('pick');
    this.ledger.record({ type: 'pick', pid: this.current });

    let resumed: TickRecord['resumed'] = null;
    if (next && next.pendingReceive) {
      const result = this.resume(next);
      if (result !== null) {
        resumed = { pid: next.pid, result };
        order.push('resume');
      }
    }
    return { tick: this.ticks, time, order, poll, picked: this.current, resumed };
  }

  /** Round-robin: the first runnable process after the current one in pid order, wrapping around. */
  protected pickNext(): Process | undefined {
    const n = this.procs.length;
    if (n === 0) return undefined;
    const at = this.procs.findIndex((p) => p.pid === this.current);
    for (let i = 1; i <= n; i++) {
      const p = this.procs[(at + i + n) % n] as Process;
      if (p.state === 'runnable') return p;
    }
    return undefined;
  }
}
