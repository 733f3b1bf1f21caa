// Bad syscalls: undefined numbers, pointers outside (or at the edge of) the window, ports out of
// range, unknown packet/transmit types and unknown pids.
import { RC, SYS, type Model } from '../model.ts';
import { KCmd, type Real } from '../engine.ts';
import { C, checkSyscall, fmtExpect, hex, pidOf, resultOf, SYSCALL_NAMES, syscallOp } from './clauses.ts';

export type BadKind = 'unknown-no' | 'defined-no' | 'bad-pointer' | 'edge-pointer' | 'port-range' | 'unknown-0x33' | 'unknown-0x34' | 'unknown-pid';

export class BadCmd extends KCmd {
  constructor(
    readonly idx: number,
    readonly kind: BadKind,
    readonly no: number,
    readonly arg1: number,
    readonly arg2: number,
  ) {
    super();
  }
  exec(m: Model, r: Real): void {
    const pid = pidOf(this.idx);
    const at = r.pos;
    const notes: Record<BadKind, string> = {
      'unknown-no': 'a number rou2exOS does not define',
      'defined-no': 'defined by rou2exOS outside the modelled network ABI',
      'bad-pointer': 'pointer outside the window',
      'edge-pointer': `pointer ${hex(this.no === SYS.Status ? this.arg1 : this.arg2)} at the edge of the window (valid)`,
      'port-range': `bind ${this.arg1}, not a 16-bit port`,
      'unknown-0x33': `unknown packet type ${this.arg1}`,
      'unknown-0x34': `unknown transmit type ${this.arg1}`,
      'unknown-pid': `to pid ${this.arg1}, never spawned`,
    };
    const got = r.take([syscallOp(pid, this.no, this.arg1, this.arg2, `${SYSCALL_NAMES[this.no] ? hex(this.no) + ' ' + SYSCALL_NAMES[this.no] : `syscall ${this.no}`}: ${notes[this.kind]}`)]);
    const { result, fx } = m.syscall(pid, this.no, this.arg1, this.arg2, at);
    if (!got) return;
    if (result === 'out-of-scope') {
      // Out of this model's scope: what r2 answers is not claimed, only that it is not the
      // InvalidSyscall of an undefined number. The reference's documented out-of-scope error
      // passes that and nothing else.
      const v = resultOf(got[0]);
      r.ck(C.undefinedNumbers, v !== RC.InvalidSyscall, () => `op #${at}: rou2exOS defines syscall ${hex(this.no)} (outside the modelled network ABI); InvalidSyscall is its answer only for numbers it does not define, got ${fmtExpect(v, this.no)}`);
      return;
    }
    const clause: Record<BadKind, string> = {
      'unknown-no': C.undefinedNumbers,
      'defined-no': C.undefinedNumbers,
      'bad-pointer': C.pointerCheck,
      'edge-pointer': C.pointerCheck,
      'port-range': C.portRange,
      'unknown-0x33': C.unknown0x33,
      'unknown-0x34': C.unknown0x34,
      'unknown-pid': C.unknownPid,
    };
    const clauses = typeof result !== 'number' ? [C.processIds, C.blockingResult] : [clause[this.kind]];
    checkSyscall(r, at, this.no, this.kind === 'edge-pointer' ? (this.no === SYS.Status ? this.arg1 : this.arg2) : null, got[0], result, clauses, fx.why);
  }
  toString(): string {
    return `bad(${this.kind}, ${this.no}, ${this.arg1}, ${this.arg2})`;
  }
}
