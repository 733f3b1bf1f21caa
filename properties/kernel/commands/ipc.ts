// 0x36 IPC send: poke the message into the sender's memory, then send it once or in a burst.
import { toHex } from '../../../src/util/bytes.ts';
import { SYS, type Model } from '../model.ts';
import { KCmd, type Real } from '../engine.ts';
import { C, checkSyscall, hex, pidOf, sysNote, syscallOp } from './clauses.ts';

export class IpcSendCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly target: number,
    readonly addr: number,
    readonly pattern: number[],
    readonly count = 1,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const p = m.proc(pid);
    const bytes = Uint8Array.from(this.pattern);
    if (p && !p.receive && this.pattern.length) {
      r.take([{ op: 'poke', pid, addr: this.addr, bytes: toHex(bytes) }]);
      m.memWrite(p, this.addr, bytes);
    }
    for (let k = 0; k < this.count; k++) this.send(m, r, pid);
  }
  private send(m: Model, r: Real, pid: number): void {
    const at = r.pos;
    const got = r.take([syscallOp(pid, SYS.Ipc, this.target, this.addr, sysNote(SYS.Ipc, `to pid ${this.target} from ${hex(this.addr)}`))]);
    const { result, fx } = m.syscall(pid, SYS.Ipc, this.target, this.addr, at);
    if (!got) return;
    const sys = got[0];
    const life = fx.target ? [C.exited0x36] : [];
    const clauses =
      result === 'no-such-process'
        ? [C.deadReaped, C.processIds]
        : result === 'blocked'
          ? [C.schedulable, C.blockingResult]
          : fx.ipc
            ? [...life, ...(fx.ipc.fate === 'lost-queue-full' ? [C.okayDespiteLoss, C.send0x36] : [C.send0x36])]
            : fx.why?.startsWith('no process')
              ? [...life, C.unknownPid]
              : [C.pointerCheck];
    checkSyscall(r, at, SYS.Ipc, this.addr, sys, result, clauses, fx.ipc?.fate === 'lost-queue-full' ? `pid ${this.target}'s queue is full: the message is lost, the call still returns Okay` : fx.why);
  }
  toString(): string {
    return `ipc(${pidOf(this.idx)} -> ${this.target}${this.count > 1 ? ` x${this.count}` : ''})`;
  }
}
