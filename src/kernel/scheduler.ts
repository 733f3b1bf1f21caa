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

/** runnable = r2's Ready or Running; blocked = waiting for a message (pendingReceive) or a timer (sleepUntil). */
export type ProcState = 'runnable' | 'blocked' | 'idle' | 'crashed' | 'dead';

/** What one push did: queued, refused by a full queue, or no live process has that pid. */
export type PushOutcome = 'pushed' | 'full' | 'gone';

/** The lifetime ops (kernel.decision.process-ops). */
export type LifetimeOp = 'exit' | 'kill' | 'crash' | 'sleep' | 'idle';

export interface Process {
  readonly pid: number;
  /** Process-table slot: kernelProcesses..maxProcesses-1 (the kernel's own hold the ones below). */
  readonly slot: number;
  state: ProcState;
  /** Blocked until this tick count (a sleep), else null. */
  sleepUntil: number | null;
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
  /** A tick that found the scheduler lock held: skipped, nothing but the clock moved. */
  skipped: boolean;
  /** Sleeping processes this tick woke (sleep_until reached), pid order. */
  woken: number[];
  /** Dead processes this tick reaped, pid order. */
  reaped: number[];
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
  /** Called when a process dies (exit, kill): its queued messages are gone with it. */
  protected discard: (p: Process) => void = () => undefined;

  constructor(
    protected readonly profile: Profile,
    protected readonly clock: VirtualClock,
    protected readonly ledger: Ledger,
  ) {
    this.current = profile.limits.noPid;
  }

  /** Wires the tick to netdrv (poll) and the syscall layer (completion of a blocked receive). */
  attach(hooks: { poll: () => PollRecord; resume: (p: Process) => number | null; discard?: (p: Process) => void }): void {
    this.poll = hooks.poll;
    this.resume = hooks.resume;
    if (hooks.discard) this.discard = hooks.discard;
  }

  /**
   * Creates a runnable process (kernel.scheduler.process-ids, kernel.process.table-limit). noPid
   * when the process table is full — maxProcesses slots, kernelProcesses of them the kernel's own,
   * the others held by every process not yet reaped (crashed and dead ones too) — or when the pid
   * counter, which only goes up, reaches the sentinel.
   */
  spawn(): number {
    const { noPid, messageQueueDepth, maxProcesses, kernelProcesses } = this.profile.limits;
    if (this.procs.length >= maxProcesses - kernelProcesses || this.nextPid >= noPid) return noPid;
    const held = new Set(this.procs.map((p) => p.slot));
    let slot = kernelProcesses;
    while (held.has(slot)) slot++;
    const p: Process = {
      pid: this.nextPid++,
      slot,
      state: 'runnable',
      sleepUntil: null,
      memory: new UserMemory(this.profile.limits),
      queue: new MessageQueue(messageQueueDepth),
      pendingReceive: null,
      pushFailures: 0,
    };
    this.procs.push(p);
    this.byPid.set(p.pid, p);
    return p.pid;
  }

  /** The process with this pid, while it is in the table (dead ones until they are reaped). */
  get(pid: number): Process | undefined {
    return this.byPid.get(pid);
  }

  /** A process that exists: in the table and not dead (kernel.process.dead-reaped). */
  live(pid: number): Process | undefined {
    const p = this.byPid.get(pid);
    return p && p.state !== 'dead' ? p : undefined;
  }

  /**
   * A lifetime op (kernel.decision.process-ops): exit, crash, sleep and idle are done by the
   * process itself, so it must be runnable and not inside a blocking receive; kill may hit any
   * process that is neither dead nor crashed. Returns the new state, or why it cannot happen.
   */
  lifetime(pid: number, op: LifetimeOp, ticks = 0): { state: ProcState } | { refused: string } {
    const p = this.live(pid);
    if (!p) return { refused: `no live process ${pid}` };
    if (p.state === 'crashed') return { refused: `pid ${pid} has crashed: it is kept and never runs again` };
    if (op !== 'kill' && (p.state !== 'runnable' || p.pendingReceive)) return { refused: `pid ${pid} cannot ${op}: it is not running (${p.pendingReceive ? 'inside a blocking 0x35' : p.state})` };
    switch (op) {
      case 'exit':
      case 'kill':
        this.die(p);
        break;
      case 'crash':
        p.state = 'crashed';
        break;
      case 'sleep':
        p.state = 'blocked';
        p.sleepUntil = this.ticks + ticks;
        break;
      case 'idle':
        p.state = 'idle';
        break;
    }
    this.ledger.record({ type: 'lifetime', pid, op, state: p.state });
    return { state: p.state };
  }

  /** Exit or kill: Dead at once, its queue (and any receive it was inside) gone; reaped by the next tick. */
  protected die(p: Process): void {
    p.state = 'dead';
    p.sleepUntil = null;
    p.pendingReceive = null;
    this.discard(p);
  }

  all(): readonly Process[] {
    return this.procs;
  }

  /** scheduler::push_msg: false when the pid is gone or its queue is full (the message is lost). */
  pushMsg(pid: number, e: Envelope): boolean {
    return this.push(pid, e) === 'pushed';
  }

  /**
   * push_msg by pid, whatever slot the process holds (kernel.process.pid-addressing). A queued
   * message wakes a receiver (kernel.queue.wake), a sleeper and an idle process
   * (kernel.process.message-wakes); a crashed process keeps the message but never runs again
   * (kernel.process.crashed-kept). No live process with that pid: 'gone'.
   */
  push(pid: number, e: Envelope): PushOutcome {
    const p = this.live(pid);
    if (!p) return 'gone';
    if (!p.queue.push(e)) {
      p.pushFailures++;
      return 'full';
    }
    if (p.state === 'idle' || (p.state === 'blocked' && p.sleepUntil !== null)) {
      p.state = 'runnable';
      p.sleepUntil = null;
      this.ledger.record({ type: 'wake', pid });
    } else this.wake(pid);
    return 'pushed';
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
    if (!p || p.state !== 'blocked' || !p.pendingReceive) return;
    p.state = 'runnable';
    this.ledger.record({ type: 'wake', pid });
  }

  /**
   * One PIT tick: clock, reap the dead, wake the sleepers due, poll_and_deliver, then the
   * round-robin pick. `busy`: the tick finds the scheduler lock held (a syscall holds it) and is
   * skipped — only the hardware clock moves (kernel.tick.busy-skipped).
   */
  tick(busy = false): TickRecord {
    const { pitHz, noPid } = this.profile.limits;
    this.clock.advance(1 / pitHz);
    if (busy) {
      this.ledger.record({ type: 'tick-skipped', time: this.ticks / pitHz });
      const poll = { calls: 0, received: [], dropped: 0 };
      return { tick: this.ticks, time: this.ticks / pitHz, order: [], skipped: true, woken: [], reaped: [], poll, picked: this.current, resumed: null };
    }
    this.ticks++;
    this.ledger.tick = this.ticks;
    const time = this.ticks / pitHz;
    this.ledger.record({ type: 'tick', time });
    const order: TickRecord['order'] = [];
    const reaped = this.reap();
    const woken = this.wakeSleepers();

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
    return { tick: this.ticks, time, order, skipped: false, woken, reaped, poll, picked: this.current, resumed };
  }

  /** The scheduler pass removes Dead processes from the table: their pids are gone for good, their slots free. */
  protected reap(): number[] {
    const dead = this.procs.filter((p) => p.state === 'dead');
    if (dead.length === 0) return [];
    for (const p of dead) this.byPid.delete(p.pid);
    this.procs.splice(0, this.procs.length, ...this.procs.filter((p) => p.state !== 'dead'));
    return dead.map((p) => p.pid);
  }

  /** Every sleeper whose sleep_until this tick's count has reached becomes runnable (kernel.decision.process-sleep-boundary). */
  protected wakeSleepers(): number[] {
    const woken: number[] = [];
    for (const p of this.procs) {
      if (p.state !== 'blocked' || p.sleepUntil === null || p.sleepUntil > this.ticks) continue;
      p.state = 'runnable';
      p.sleepUntil = null;
      woken.push(p.pid);
      this.ledger.record({ type: 'wake', pid: p.pid });
    }
    return woken;
  }

  /** Round-robin: the first runnable process after the last one picked, in pid order, wrapping around. */
  protected pickNext(): Process | undefined {
    // Round robin by pid without an array per tick: the first runnable after current, else the first.
    let first: Process | undefined;
    for (const p of this.procs) {
      if (p.state !== 'runnable') continue;
      if (p.pid > this.current) return p;
      first ??= p;
    }
    return first;
  }
}
