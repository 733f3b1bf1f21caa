// Deliberately wrong kernels for process lifetimes (feature kernel.lifetimes, spec-notes §10):
// the reference machine with its scheduler or ledger replaced by a subclass that breaks one
// documented rule. Each is caught by the property it names, and fails the clause in `breaks`.
import type { Mutant } from './mutant.ts';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import { createMachine } from '../../src/kernel/machine.ts';
import type { KernelComponents } from '../../src/kernel/kernel.ts';
import { Ledger } from '../../src/kernel/ledger.ts';
import type { Envelope } from '../../src/kernel/queue.ts';
import { FIRST_PID, Scheduler, type Process, type PushOutcome, type TickRecord } from '../../src/kernel/scheduler.ts';

const withComponents = (components: Partial<KernelComponents>) => kernelExecutor((profile, options) => createMachine(profile, { ...options, components }));
const scheduler = (S: typeof Scheduler): Partial<KernelComponents> => ({ scheduler: (...a) => new S(...a) });

/** A spawn takes the lowest pid no process in the table has: the pid of a reaped process comes back. */
class PidReusingScheduler extends Scheduler {
  override spawn(): number {
    let pid = FIRST_PID;
    while (this.byPid.has(pid)) pid++;
    this.nextPid = pid;
    return super.spawn();
  }
}

/** Crashed processes, and dead ones not yet reaped, do not count against the process table. */
class LeakyTableScheduler extends Scheduler {
  override spawn(): number {
    const held = this.procs.splice(0, this.procs.length);
    this.procs.push(...held.filter((p) => p.state !== 'crashed' && p.state !== 'dead'));
    const pid = super.spawn();
    const made = this.procs.filter((p) => !held.includes(p));
    this.procs.splice(0, this.procs.length, ...held, ...made);
    return pid;
  }
}

/** push_msg sets the target Ready whatever its state (r2-code), a crashed process included. */
class ReviveCrashedScheduler extends Scheduler {
  override push(pid: number, e: Envelope): PushOutcome {
    const out = super.push(pid, e);
    const p = this.live(pid);
    if (out === 'pushed' && p?.state === 'crashed') p.state = 'runnable';
    return out;
  }
}

/** A message pushed to a sleeping process leaves it asleep. */
class DeepSleepScheduler extends Scheduler {
  override push(pid: number, e: Envelope): PushOutcome {
    const p = this.live(pid);
    const asleep = p && p.state === 'blocked' && p.sleepUntil !== null ? p.sleepUntil : null;
    const out = super.push(pid, e);
    if (p && asleep !== null) {
      p.state = 'blocked';
      p.sleepUntil = asleep;
    }
    return out;
  }
}

/** push_msg indexes the process table by slot, as r2's code does with a pid: pid N reaches slot N. */
class SlotIndexedScheduler extends Scheduler {
  override push(pid: number, e: Envelope): PushOutcome {
    const bySlot = this.procs.find((p) => p.slot === pid && p.state !== 'dead');
    return bySlot ? super.push(bySlot.pid, e) : 'gone';
  }
}

/** A tick that finds the scheduler lock held runs anyway: poll, pick, wake and reap. */
class BusyIgnoringScheduler extends Scheduler {
  override tick(): TickRecord {
    return super.tick(false);
  }
}

/** Sleepers wake `shift` ticks off their sleep_until (−1: a tick early, +1: a tick late). */
const shiftedWake = (shift: number) =>
  class extends Scheduler {
    protected override wakeSleepers(): number[] {
      const woken: number[] = [];
      for (const p of this.procs) {
        if (p.state !== 'blocked' || p.sleepUntil === null || p.sleepUntil + shift > this.ticks) continue;
        p.state = 'runnable';
        p.sleepUntil = null;
        woken.push(p.pid);
      }
      return woken;
    }
  };

/** A process that exits or is killed keeps its queue in the books: its unread message stays pending forever. */
class KeptQueueScheduler extends Scheduler {
  protected override die(p: Process): void {
    p.state = 'dead';
    p.sleepUntil = null;
    p.pendingReceive = null;
  }
}

/** A frame routed to a pid that no longer exists is booked as lost to a full queue. */
class QueueFullLedger extends Ledger {
  override delivered(...args: Parameters<Ledger['delivered']>): void {
    const [frameId, origin, len, port, dstPid, outcome] = args;
    super.delivered(frameId, origin, len, port, dstPid, outcome === 'gone' ? 'full' : outcome);
  }
}

const lifetimes = ['kernel.model.lifetimes'];

/** The pid counter never runs out: after 254 the sentinel 0xff itself is handed out as a pid, then 256, ... */
class EndlessPidScheduler extends Scheduler {
  override spawn(): number {
    const { noPid } = this.profile.limits;
    if (this.nextPid < noPid) return super.spawn();
    const saved = this.nextPid;
    this.nextPid = noPid - 1; // pass the counter check, then hand out the real counter value
    const pid = super.spawn();
    if (pid === noPid) return pid;
    const p = this.byPid.get(pid)!;
    this.byPid.delete(pid);
    (p as { pid: number }).pid = saved;
    this.byPid.set(saved, p);
    this.nextPid = saved + 1;
    return saved;
  }
}

/** A tick that runs does not report whom it reaped (the dead still leave the table). */
class SilentReapScheduler extends Scheduler {
  override tick(busy = false): TickRecord {
    return { ...super.tick(busy), reaped: [] };
  }
}

export const kernelLifetimeMutants: Mutant[] = [
  {
    name: 'pid-counter-endless',
    layer: 'kernel',
    description: 'the pid counter never stops: once it reaches 0xff, spawn hands out 0xff, 0x100, ... as pids instead of refusing',
    caughtBy: ['kernel.process.pid-exhaustion'],
    breaks: ['kernel.scheduler.process-ids'],
    executor: withComponents(scheduler(EndlessPidScheduler)),
  },
  {
    name: 'tick-reaped-unreported',
    layer: 'kernel',
    description: "a tick reaps the dead but reports reaped: [] (the tick's reaped names nobody)",
    caughtBy: ['kernel.model.lifetimes'],
    breaks: ['kernel.process.dead-reaped'],
    executor: withComponents(scheduler(SilentReapScheduler)),
  },
  {
    name: 'pid-reused',
    layer: 'kernel',
    description: 'a spawn after a process was reaped gets that process\'s pid back instead of a higher one',
    caughtBy: lifetimes,
    breaks: ['kernel.process.pid-never-reused'],
    executor: withComponents(scheduler(PidReusingScheduler)),
  },
  {
    name: 'crashed-and-dead-not-counted',
    layer: 'kernel',
    description: 'crashed processes and dead ones not yet reaped do not hold a slot: spawn succeeds past the process table',
    caughtBy: lifetimes,
    breaks: ['kernel.process.table-limit'],
    executor: withComponents(scheduler(LeakyTableScheduler)),
  },
  {
    name: 'kernel-processes-not-counted',
    layer: 'kernel',
    description: "the kernel's own four processes are not counted: userland takes slots from 0 and ten spawns succeed",
    caughtBy: lifetimes,
    breaks: ['kernel.process.slot-reuse'],
    executor: withComponents({ scheduler: (profile, clock, ledger) => new Scheduler({ ...profile, limits: { ...profile.limits, kernelProcesses: 0 } }, clock, ledger) }),
  },
  {
    name: 'crashed-revived-by-message',
    layer: 'kernel',
    description: 'a frame or 0x36 message pushed to a crashed process makes it runnable again (r2-code push_msg; the docs keep it crashed)',
    caughtBy: lifetimes,
    breaks: ['kernel.process.crashed-kept'],
    executor: withComponents(scheduler(ReviveCrashedScheduler)),
  },
  {
    name: 'message-leaves-sleeper-asleep',
    layer: 'kernel',
    description: 'a message queued for a sleeping process does not wake it',
    caughtBy: lifetimes,
    breaks: ['kernel.process.message-wakes'],
    executor: withComponents(scheduler(DeepSleepScheduler)),
  },
  {
    name: 'messages-indexed-by-slot',
    layer: 'kernel',
    description: 'push_msg finds the target by slot instead of pid (r2-code): messages for pid N go to whoever holds slot N',
    caughtBy: lifetimes,
    breaks: ['kernel.process.pid-addressing'],
    executor: withComponents(scheduler(SlotIndexedScheduler)),
  },
  {
    name: 'busy-tick-still-polls',
    layer: 'kernel',
    description: 'a tick that finds the scheduler lock held still polls, picks, wakes and reaps',
    caughtBy: lifetimes,
    breaks: ['kernel.tick.busy-skipped'],
    executor: withComponents(scheduler(BusyIgnoringScheduler)),
  },
  {
    name: 'sleeper-woken-early',
    layer: 'kernel',
    description: 'a sleeping process wakes one tick before its sleep_until',
    caughtBy: lifetimes,
    breaks: ['kernel.process.sleep-wake'],
    executor: withComponents(scheduler(shiftedWake(-1))),
  },
  {
    name: 'sleeper-woken-late',
    layer: 'kernel',
    description: 'a sleeping process wakes one tick after its sleep_until',
    caughtBy: lifetimes,
    breaks: ['kernel.process.sleep-wake'],
    executor: withComponents(scheduler(shiftedWake(1))),
  },
  {
    name: 'dead-queue-left-pending',
    layer: 'kernel',
    description: 'a process that exits keeps its unread message pending in the books instead of lostReceiverGone',
    caughtBy: ['kernel.model.dead-queue', 'kernel.model.accounting'],
    breaks: ['kernel.decision.process-dead-queue', 'kernel.accounting.balance'],
    executor: withComponents(scheduler(KeptQueueScheduler)),
  },
  {
    name: 'gone-receiver-booked-queue-full',
    layer: 'kernel',
    description: 'a frame routed to a dead driver or binding is booked as lost to a full queue, not to a receiver that is gone',
    caughtBy: ['kernel.model.dead-receivers', 'kernel.model.accounting'],
    breaks: ['kernel.process.gone-receiver', 'kernel.accounting.balance'],
    executor: withComponents({ ledger: (limit) => new QueueFullLedger(limit) }),
  },
];
