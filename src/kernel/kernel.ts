// The kernel assembled over any Hardware (the real device models, or a test double): boot
// (serial init), scheduler + netdrv + syscall dispatcher wired together, and the kernel-side
// entry points the Machine exposes. Kept free of createHardware so unit tests can pass a fake.
import type { Hardware } from '../hw/api.ts';
import type { Profile } from '../spec/profile.ts';
import { toHex } from '../util/bytes.ts';
import { Ledger } from './ledger.ts';
import type { KernelEvent, LedgerSnapshot } from './ledger-records.ts';
import { NetDrv } from './netdrv.ts';
import { Scheduler } from './scheduler.ts';
import type { LifetimeOp, ProcState, TickRecord } from './scheduler.ts';
import { Syscalls } from './syscalls.ts';
import { SystemConfig } from './system-config.ts';
import type { Envelope } from './queue.ts';

export interface KernelOptions {
  /** The host's IPv4 address in SYSTEM_CONFIG (reported by 0x38). Default 0.0.0.0, as r2 boots. */
  ip?: Uint8Array;
  /** Journal entries kept between takeEvents() calls; later ones are counted, not kept. */
  eventLimit?: number;
  /** Replace how a component is built (subclasses for the deliberately wrong implementations). */
  components?: Partial<KernelComponents>;
}

/** How the kernel's components are constructed; the defaults build the reference. */
export interface KernelComponents {
  ledger(eventLimit: number | undefined): Ledger;
  scheduler(profile: Profile, clock: Hardware['clock'], ledger: Ledger): Scheduler;
  netdrv(profile: Profile, hw: Hardware, scheduler: Scheduler, ledger: Ledger, config: SystemConfig): NetDrv;
  syscalls(profile: Profile, hw: Hardware, scheduler: Scheduler, netdrv: NetDrv, ledger: Ledger, config: SystemConfig): Syscalls;
}

export const referenceComponents: KernelComponents = {
  ledger: (eventLimit) => new Ledger(eventLimit),
  scheduler: (profile, clock, ledger) => new Scheduler(profile, clock, ledger),
  netdrv: (profile, hw, scheduler, ledger, config) => new NetDrv(profile, hw, scheduler, ledger, config),
  syscalls: (profile, hw, scheduler, netdrv, ledger, config) => new Syscalls(profile, hw, scheduler, netdrv, ledger, config),
};

/** What syscall() answers: a return code or length, 'blocked' when 0x35 blocks (or the process
 * is still inside a blocked 0x35, or cannot run: asleep, idle, crashed), 'no-such-process' for a
 * pid that was never spawned or whose process exited or was killed (kernel.decision.process-ops),
 * 'out-of-scope' for a number rou2exOS defines outside the modelled ABI. */
export type SyscallOutcome = number | 'blocked' | 'no-such-process' | 'out-of-scope';

export interface ProcessSnapshot {
  pid: number;
  /** Its process-table slot (kernel.decision.process-slots). */
  slot: number;
  state: ProcState;
  /** The tick count a sleeping process wakes at, else null. */
  sleepUntil: number | null;
  /** True while the process is inside a blocking 0x35 (blocked, or woken and not yet resumed). */
  inReceive: boolean;
  queueLength: number;
  /** Queued messages, oldest first. */
  queue: { portId: number; srcPid: number; dstPid: number; bufAddr: number }[];
  pushFailures: number;
}

export type KernelSnapshot = {
  tick: number;
  /** Virtual seconds (tick / pitHz). */
  time: number;
  /** Process picked by the last tick (noPid when idle). */
  current: number;
  /** Process-table slots 0..kernelProcesses-1, held by the kernel's own resident processes. */
  kernelProcesses: number;
  driverPid: number;
  /** Occupied PORT_REGISTRY slots, in slot order. */
  registry: { slot: number; port: number; pid: number }[];
  processes: ProcessSnapshot[];
  /** pid → queue length. */
  queueLengths: Record<string, number>;
  /** NET_FRAME_BUF, all of it, hex. */
  netFrameBuf: string;
  /** The last frame copied into NET_FRAME_BUF, or null. */
  lastDelivered: { frameId: number; len: number; dstPid: number; hex: string } | null;
  /** The kernel IPC buffer, hex. */
  ipcBuf: string;
  systemConfig: { mac: string; ip: string };
  /** The 0x38 NetStatus bytes as a syscall would write them, hex. */
  netStatus: string;
} & LedgerSnapshot;

export interface Kernel {
  readonly profile: Profile;
  readonly hw: Hardware;
  readonly config: SystemConfig;
  readonly ledger: Ledger;
  readonly scheduler: Scheduler;
  readonly netdrv: NetDrv;
  readonly syscalls: Syscalls;
  spawn(): number;
  syscall(pid: number, no: number, arg1: number, arg2: number): SyscallOutcome;
  /** One PIT tick; `busy`: it finds the scheduler lock held and is skipped. */
  tick(busy?: boolean): TickRecord;
  /** A process exits, is killed, crashes, sleeps `ticks` ticks or goes idle. */
  lifetime(pid: number, op: LifetimeOp, ticks?: number): ReturnType<Scheduler['lifetime']>;
  snapshot(): KernelSnapshot;
  takeEvents(): KernelEvent[];
}

export function createKernel(hw: Hardware, profile: Profile, options: KernelOptions = {}): Kernel {
  const make: KernelComponents = { ...referenceComponents, ...options.components };
  const config = new SystemConfig(options.ip);
  const ledger = make.ledger(options.eventLimit);
  const scheduler = make.scheduler(profile, hw.clock, ledger);
  const netdrv = make.netdrv(profile, hw, scheduler, ledger, config);
  const syscalls = make.syscalls(profile, hw, scheduler, netdrv, ledger, config);
  scheduler.attach({
    poll: () => netdrv.pollAndDeliver(),
    resume: (p) => syscalls.completeReceive(p),
    discard: (p) => {
      const queued: Envelope[] = [];
      for (let e = p.queue.pop(); e; e = p.queue.pop()) queued.push(e);
      ledger.receiverGone(p.pid, queued);
    },
  });
  // Boot: r2 brings up COM1 during kernel init; the NIC waits for a driver to register.
  hw.serialNet.init();
  const { noPid, pitHz } = profile.limits;

  return {
    profile,
    hw,
    config,
    ledger,
    scheduler,
    netdrv,
    syscalls,
    spawn: () => scheduler.spawn(),
    syscall(pid, no, arg1, arg2) {
      const p = scheduler.live(pid);
      if (!p) return 'no-such-process';
      // A process inside a blocking 0x35 cannot issue another call until it is resumed, nor can
      // one that does not run (asleep, idle, crashed).
      if (p.pendingReceive || p.state !== 'runnable') return 'blocked';
      return syscalls.dispatch(p, no, arg1, arg2);
    },
    tick: (busy = false) => scheduler.tick(busy),
    lifetime: (pid, op, ticks) => scheduler.lifetime(pid, op, ticks),
    takeEvents: () => ledger.takeEvents(),
    snapshot(): KernelSnapshot {
      const books = ledger.snapshot();
      const top = books.netFrameBufOwners[0];
      const processes = scheduler.all().map((p) => ({
        pid: p.pid,
        slot: p.slot,
        state: p.state,
        sleepUntil: p.sleepUntil,
        inReceive: p.pendingReceive !== null,
        queueLength: p.queue.length,
        queue: p.queue.toArray().map((e) => ({ ...e.msg })),
        pushFailures: p.pushFailures,
      }));
      return {
        tick: scheduler.ticks,
        time: scheduler.ticks / pitHz,
        current: scheduler.current,
        kernelProcesses: profile.limits.kernelProcesses,
        driverPid: netdrv.NET_DRV_PID,
        registry: netdrv.PORT_REGISTRY.flatMap((e, slot) => (e.pid === noPid ? [] : [{ slot, port: e.port, pid: e.pid }])),
        processes,
        queueLengths: Object.fromEntries(processes.map((p) => [String(p.pid), p.queueLength])),
        netFrameBuf: toHex(netdrv.NET_FRAME_BUF),
        lastDelivered: top ? { ...top, hex: toHex(netdrv.NET_FRAME_BUF.subarray(0, top.len)) } : null,
        ipcBuf: toHex(syscalls.IPC_MSG_BUF),
        systemConfig: { mac: toHex(config.mac), ip: Array.from(config.ip).join('.') },
        netStatus: toHex(syscalls.netStatusBytes()),
        ...books,
      };
    },
  };
}
