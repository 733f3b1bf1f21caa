// Deliberately wrong userland port I/O (0x30..0x32): the reference kernel whose PortSyscalls is
// replaced by a subclass that breaks one rule of kernel.portio.* (or a portio decision). Each
// is caught at default runs by the property it names, and fails the clause it `breaks`. One more
// breaks the reach of the test ops poke and peek (kernel.decision.process-memory-extent).
import type { Mutant } from './mutant.ts';
import { kernelExecutor } from '../../src/iut/layers/kernel.ts';
import { createMachine } from '../../src/kernel/machine.ts';
import { PortSyscalls } from '../../src/kernel/port-syscalls.ts';
import { Syscalls } from '../../src/kernel/syscalls.ts';
import type { Process } from '../../src/kernel/scheduler.ts';
import type { UserAccess } from '../../src/kernel/user-access.ts';
import { RC, SERIAL_OP } from '../../src/kernel/constants.ts';
import { UART_REG } from '../../src/hw/uart16550.ts';
import type { Profile } from '../../src/spec/profile.ts';
import { err } from '../../src/util/result.ts';

type PortSyscallsClass = new (...a: ConstructorParameters<typeof PortSyscalls>) => PortSyscalls;

/** The kernel layer over machines whose 0x30..0x32 are handled by `Ports`. */
function withPorts(Ports: PortSyscallsClass): Mutant['executor'] {
  class PortMutantSyscalls extends Syscalls {
    protected override portSyscalls(): PortSyscalls {
      return new Ports(this.profile, this.hw, { netFrameBuf: this.netdrv.NET_FRAME_BUF, ipcMsgBuf: this.IPC_MSG_BUF }, this.ledger);
    }
  }
  return kernelExecutor((profile, options) => createMachine(profile, { ...options, components: { syscalls: (...a) => new PortMutantSyscalls(...a) } }));
}

const le = (b: Uint8Array): number => b.reduce((acc, x, i) => acc + x * 2 ** (8 * i), 0);
const HEAP = { first: 0xc00000, last: 0xffffff };

/** 0x30 writes the whole u32 (an `out` of width 4) instead of its low byte. */
class WideWritePorts extends PortSyscalls {
  protected override portWrite(p: Process, arg1: number, arg2: number): number {
    this.hw.bus.outl(le(this.kernelRead(p, arg1, 2)), le(this.kernelRead(p, arg2, 4)));
    return RC.Okay;
  }
}

/** 0x31 checks its port pointer (arg1) against the window too. */
class CheckedPortPointerPorts extends PortSyscalls {
  protected override portRead(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    return this.checked(p, arg1) ? super.portRead(ua, p, arg1, arg2) : RC.InvalidInput;
  }
}

/** 0x31 stores its result wherever arg2 points, unchecked. */
class UncheckedResultPorts extends PortSyscalls {
  protected override portRead(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    const v = this.inl(le(this.kernelRead(p, arg1, 2)));
    ua.toUser(arg2, Uint8Array.of(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24));
    return RC.Okay;
  }
}

/** The pointer check lets the shared heap (0xC00000..=0xFFFFFF) through. */
class HeapAcceptingPorts extends PortSyscalls {
  protected override checked(p: Process, addr: number): boolean {
    return super.checked(p, addr) || (Number.isSafeInteger(addr) && addr >= HEAP.first && addr <= HEAP.last);
  }
}

/** 0x32/0x02 with no byte ready stores 0 and returns Okay, so "no data" looks like a NUL byte. */
class ZeroWhenEmptyPorts extends PortSyscalls {
  protected override serial(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (arg1 === SERIAL_OP.Read && this.checked(p, arg2) && !this.com1.ready()) {
      ua.toUser(arg2, new Uint8Array(4));
      return RC.Okay;
    }
    return super.serial(ua, p, arg1, arg2);
  }
}

/** 0x32/0x01 initialises COM1 whatever arg2 holds. */
class InitAnyArgPorts extends PortSyscalls {
  protected override serial(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    return super.serial(ua, p, arg1, arg1 === SERIAL_OP.Init ? 0 : arg2);
  }
}

/** 0x32/0x02 takes the byte off COM1 before it checks the pointer: a refused read loses it. */
class ConsumeFirstPorts extends PortSyscalls {
  protected override serial(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (arg1 === SERIAL_OP.Read && !this.checked(p, arg2) && this.com1.ready()) {
      this.hw.bus.inb(this.profile.defaults.comBase + UART_REG.RBR_THR_DLL);
      return RC.InvalidInput;
    }
    return super.serial(ua, p, arg1, arg2);
  }
}

/** 0x32 answers Okay to an operation it does not know. */
class UnknownOpOkayPorts extends PortSyscalls {
  protected override serial(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    const known = arg1 === SERIAL_OP.Init || arg1 === SERIAL_OP.Read || arg1 === SERIAL_OP.Write;
    return known ? super.serial(ua, p, arg1, arg2) : RC.Okay;
  }
}

/** 0x32/0x03 writes the byte at arg2 without the pointer check. */
class UncheckedSerialWritePorts extends PortSyscalls {
  protected override serial(ua: UserAccess, p: Process, arg1: number, arg2: number): number {
    if (arg1 !== SERIAL_OP.Write || this.checked(p, arg2)) return super.serial(ua, p, arg1, arg2);
    this.com1.write(le(this.kernelRead(p, arg2, 4)) & 0xff);
    return RC.Okay;
  }
}

/** An unchecked pointer counts as a hazard only when its first byte is outside the window (not when its last one is). */
class StartOnlyHazardPorts extends PortSyscalls {
  protected override unchecked(p: Process, syscall: number, arg: 'arg1' | 'arg2', addr: number, len: number): Uint8Array {
    if (!p.memory.inWindow(addr)) this.ledger.hazard({ hazard: 'portio-unchecked-pointers', pid: p.pid, syscall, arg, addr, len });
    return this.kernelRead(p, addr, len);
  }
}

/** An unchecked pointer at or past 2^32 wraps around into guest memory instead of reading zero. */
class WrappingPointerPorts extends PortSyscalls {
  protected override kernelRead(p: Process, addr: number, len: number): Uint8Array {
    const out = super.kernelRead(p, addr, len);
    for (let i = 0; i < len; i++) if (Number.isSafeInteger(addr + i) && addr + i >= 2 ** 32) out[i] = this.hw.memory.read((addr + i) % 2 ** 32, 1)[0] ?? 0;
    return out;
  }
}

/** poke and peek stop one byte short of the end of process memory (userWindowEnd + 0xFFFF). */
function shortMemoryMachine(profile: Profile, options: Parameters<typeof createMachine>[1]): ReturnType<typeof createMachine> {
  const m = createMachine(profile, options);
  const atEnd = (pid: number, addr: number, len: number) => len > 0 && addr + len === m.kernel.scheduler.get(pid)?.memory.limit;
  return {
    ...m,
    poke: (pid, addr, bytes) => (atEnd(pid, addr, bytes.length) ? err('invalid-argument', 'machine.poke', 'past the end of process memory') : m.poke(pid, addr, bytes)),
    peek: (pid, addr, len) => (atEnd(pid, addr, len) ? err('invalid-argument', 'machine.peek', 'past the end of process memory') : m.peek(pid, addr, len)),
  };
}

export const kernelPortioMutants: Mutant[] = [
  {
    name: 'portio-hazard-start-only',
    layer: 'kernel',
    description: 'an unchecked 0x30/0x31 pointer is reported as a hazard only when its first byte is outside the window, not when it runs past the window end',
    caughtBy: ['kernel.portio.hazard-events'],
    breaks: ['kernel.decision.portio-hazard-events'],
    executor: withPorts(StartOnlyHazardPorts),
  },
  {
    name: 'portio-pointer-wraps-at-4g',
    layer: 'kernel',
    description: 'an unchecked pointer at or past 2^32 wraps around into guest memory instead of reading zero',
    caughtBy: ['kernel.portio.unchecked-memory'],
    breaks: ['kernel.decision.portio-unchecked-pointer-memory'],
    executor: withPorts(WrappingPointerPorts),
  },
  {
    name: 'memory-extent-one-short',
    layer: 'kernel',
    description: 'poke and peek refuse the last byte of process memory (userWindowEnd + 0x10000)',
    caughtBy: ['kernel.machine.memory-extent'],
    breaks: ['kernel.decision.process-memory-extent'],
    executor: kernelExecutor(shortMemoryMachine),
  },
  {
    name: 'portio-0x30-writes-dword',
    layer: 'kernel',
    description: '0x30 writes all 32 bits of the value (out of width 4) instead of its low byte',
    caughtBy: ['kernel.portio.devices'],
    breaks: ['kernel.portio.0x30.write-byte'],
    executor: withPorts(WideWritePorts),
  },
  {
    name: 'portio-0x31-checks-port-pointer',
    layer: 'kernel',
    description: '0x31 refuses a port pointer (arg1) outside the window, which r2 does not check',
    caughtBy: ['kernel.portio.pointer-edges', 'kernel.portio.model'],
    breaks: ['kernel.portio.0x31.port-pointer-unchecked'],
    executor: withPorts(CheckedPortPointerPorts),
  },
  {
    name: 'portio-0x31-result-unchecked',
    layer: 'kernel',
    description: '0x31 stores its result at arg2 without checking it against the window',
    caughtBy: ['kernel.portio.pointer-edges', 'kernel.portio.model'],
    breaks: ['kernel.portio.0x31.result-pointer'],
    executor: withPorts(UncheckedResultPorts),
  },
  {
    name: 'portio-heap-accepted',
    layer: 'kernel',
    description: 'the pointer check of 0x31 and 0x32 accepts buffers on the shared heap (0xC00000..=0xFFFFFF)',
    caughtBy: ['kernel.portio.pointer-edges'],
    breaks: ['kernel.portio.heap-refused'],
    executor: withPorts(HeapAcceptingPorts),
  },
  {
    name: 'portio-0x32-empty-read-okay',
    layer: 'kernel',
    description: '0x32/0x02 with no byte ready stores 0 and returns Okay instead of InvalidInput',
    caughtBy: ['kernel.portio.pointer-edges', 'kernel.portio.model'],
    breaks: ['kernel.portio.0x32.read-no-byte'],
    executor: withPorts(ZeroWhenEmptyPorts),
  },
  {
    name: 'portio-0x32-init-any-arg2',
    layer: 'kernel',
    description: '0x32/0x01 initialises COM1 and returns Okay when arg2 != 0',
    caughtBy: ['kernel.portio.serial-init', 'kernel.portio.model'],
    breaks: ['kernel.portio.0x32.init'],
    executor: withPorts(InitAnyArgPorts),
  },
  {
    name: 'portio-0x32-read-consumes-on-refusal',
    layer: 'kernel',
    description: '0x32/0x02 takes the received byte off COM1 before checking its pointer, so a refused call loses it',
    caughtBy: ['kernel.portio.pointer-edges'],
    breaks: ['kernel.decision.portio-0x32-read-order'],
    executor: withPorts(ConsumeFirstPorts),
  },
  {
    name: 'portio-0x32-unknown-op-okay',
    layer: 'kernel',
    description: '0x32 answers Okay to an operation other than 1, 2, 3',
    caughtBy: ['kernel.portio.model'],
    breaks: ['kernel.decision.portio-0x32-unknown-op'],
    executor: withPorts(UnknownOpOkayPorts),
  },
  {
    name: 'portio-0x32-write-unchecked',
    layer: 'kernel',
    description: '0x32/0x03 writes the byte at arg2 without checking arg2 against the window',
    caughtBy: ['kernel.portio.pointer-edges', 'kernel.portio.model'],
    breaks: ['kernel.portio.0x32.write'],
    executor: withPorts(UncheckedSerialWritePorts),
  },
];
