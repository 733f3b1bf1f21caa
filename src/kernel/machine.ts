// The whole machine: the device models and drivers (createHardware) under the kernel, with the
// operations the kernel tests and the IUT contract drive it by — spawn, syscall, poke/peek user
// memory, inject a frame on the wire, tick, feed the serial line — and what they observe: the
// wire, the serial line, the journal and a snapshot with the accounting.
import { createHardware } from '../hw/index.ts';
import type { Hardware, InjectOutcome, LineByte, WireFrame } from '../hw/api.ts';
import type { Profile } from '../spec/profile.ts';
import { seedProfile } from '../spec/profile.ts';
import { err, ok } from '../util/result.ts';
import type { Result } from '../util/result.ts';
import { createKernel } from './kernel.ts';
import type { Kernel, KernelOptions, KernelSnapshot, SyscallOutcome } from './kernel.ts';
import type { KernelEvent } from './ledger-records.ts';
import type { TickRecord } from './scheduler.ts';

export interface MachineOptions {
  /** The NIC's station address (IDR0-5). */
  mac?: Uint8Array;
  /** SYSTEM_CONFIG's IPv4 address. */
  ip?: Uint8Array;
  /** Journal entries kept between takeEvents() calls. */
  eventLimit?: number;
  /** Further device options for createHardware (PCI placement, NIC absent...). */
  hardware?: Omit<NonNullable<Parameters<typeof createHardware>[1]>, 'mac'>;
  /** Use this hardware instead of createHardware (test doubles). */
  hw?: Hardware;
  /** Replace how kernel components are built (the deliberately wrong implementations). */
  components?: KernelOptions['components'];
}

export interface Machine {
  readonly profile: Profile;
  readonly hw: Hardware;
  readonly kernel: Kernel;
  /** A new runnable process; the no-pid sentinel when pids are exhausted. */
  spawn(): number;
  /** Runs syscall `no` on behalf of `pid` (see SyscallOutcome). */
  syscall(pid: number, no: number, arg1: number, arg2: number): SyscallOutcome;
  /** Writes into a process's memory: the window plus the guard past its end. */
  poke(pid: number, addr: number, bytes: Uint8Array): Result<void>;
  /** Reads a process's memory: the window plus the guard past its end. */
  peek(pid: number, addr: number, len: number): Result<Uint8Array>;
  /** Offers a frame to the NIC from the wire; the outcome plus the id the accounting gives it. */
  inject(frame: Uint8Array): InjectOutcome & { frameId: number };
  /** One PIT tick; `busy`: the tick finds the scheduler lock held (a syscall holds it) and is skipped. */
  tick(busy?: boolean): TickRecord;
  /** A process exits, is killed, crashes, sleeps `ticks` ticks or goes idle (kernel.decision.process-ops). */
  lifetime: Kernel['lifetime'];
  /** Bytes arriving on the serial line towards the guest. */
  feedSerial(bytes: Uint8Array): void;
  /** Complete SLIP datagrams received on the serial line so far (drains the UART). */
  serialReceive(): Uint8Array[];
  /** Frames the NIC transmitted, oldest first. */
  wire(): readonly WireFrame[];
  /** Bytes the UART shifted out, with their line time. */
  serialLine(): readonly LineByte[];
  snapshot(): KernelSnapshot;
  /** The kernel journal since the last call (hazard events included). */
  takeEvents(): KernelEvent[];
}

export function createMachine(profile: Profile = seedProfile(), options: MachineOptions = {}): Machine {
  const hw: Hardware = options.hw ?? createHardware(profile, { ...options.hardware, ...(options.mac ? { mac: options.mac } : {}) });
  const kernel = createKernel(hw, profile, {
    ...(options.ip ? { ip: options.ip } : {}),
    ...(options.eventLimit !== undefined ? { eventLimit: options.eventLimit } : {}),
    ...(options.components ? { components: options.components } : {}),
  });
  const proc = (pid: number) => kernel.scheduler.get(pid);

  return {
    profile,
    hw,
    kernel,
    spawn: () => kernel.spawn(),
    syscall: (pid, no, arg1, arg2) => kernel.syscall(pid, no, arg1, arg2),
    poke(pid, addr, bytes) {
      const p = proc(pid);
      if (!p) return err('invalid-argument', 'machine.poke', `no process ${pid}`);
      if (!p.memory.stored(addr, bytes.length))
        return err('invalid-argument', 'machine.poke', `[${addr}, +${bytes.length}) is outside the process memory [${p.memory.windowStart}, ${p.memory.limit})`);
      p.memory.write(addr, bytes);
      return ok(undefined);
    },
    peek(pid, addr, len) {
      const p = proc(pid);
      if (!p) return err('invalid-argument', 'machine.peek', `no process ${pid}`);
      if (!p.memory.stored(addr, len))
        return err('invalid-argument', 'machine.peek', `[${addr}, +${len}) is outside the process memory [${p.memory.windowStart}, ${p.memory.limit})`);
      return ok(p.memory.read(addr, len));
    },
    inject(frame) {
      const outcome = hw.nic.inject(frame);
      return { ...outcome, frameId: kernel.ledger.wireInjected(outcome) };
    },
    tick: (busy) => kernel.tick(busy),
    lifetime: (pid, op, ticks) => kernel.lifetime(pid, op, ticks),
    feedSerial: (bytes) => hw.uart.feed(bytes),
    serialReceive: () => hw.serialNet.pollReceive(),
    wire: () => hw.nic.wire,
    serialLine: () => hw.uart.line,
    snapshot: () => kernel.snapshot(),
    takeEvents: () => kernel.takeEvents(),
  };
}
