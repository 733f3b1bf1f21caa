// Boot, spawn (one or a burst past the process limit) and the frame/IPC accounting snapshot.
import type { Op } from '../../../src/iut/contract.ts';
import { toHex } from '../../../src/util/bytes.ts';
import { FRAME_COUNTERS, type Model } from '../model.ts';
import { isObj, KCmd, showResult, valueOf, type Real, type Setup } from '../engine.ts';
import { C } from './clauses.ts';

export function boot(_m: Model, r: Real, setup: Setup): void {
  const ops: Op[] = [{ op: 'boot', mac: toHex(Uint8Array.from(setup.mac)), ip: toHex(Uint8Array.from(setup.ip)) }];
  const got = r.take(ops);
  if (got) r.ck([C.register, C.processIds], got[0]!.ok, () => `op #0 boot failed: ${showResult(got[0])}`);
}

/** `n` spawns in a row (one by default); a burst walks past the process limit. */
export class SpawnCmd extends KCmd {
  constructor(readonly n = 1) {
    super();
  }
  exec(m: Model, r: Real): void {
    for (let i = 0; i < this.n; i++) {
      const at = r.pos;
      const alive = m.procs.length;
      const got = r.take([{ op: 'spawn' }]);
      const pid = m.spawn();
      if (!got) continue;
      const why =
        pid === m.noPid
          ? `${alive} spawned processes are alive, the most the ${r.ctx.limits.maxProcesses}-process table leaves beside the kernel's own ${r.ctx.limits.kernelProcesses}: spawn answers the no-pid sentinel`
          : `pids are 1, 2, 3... in spawn order; ${alive} spawned processes are alive, at most ${m.maxSpawned} may be`;
      r.ck(C.processIds, valueOf(got[0])?.pid === pid, () => `op #${at} spawn: expected pid ${pid} (${why}), got ${showResult(got[0])}`);
    }
  }
  toString(): string {
    return this.n === 1 ? 'spawn' : `spawn×${this.n}`;
  }
}

/** Parts an implementation without feature kernel.lifetimes may leave out (they are 0 there). */
const LIFETIME_PARTS = new Set(['lostReceiverGone']);
const part = (o: Record<string, unknown>, k: string): unknown => o[k] ?? (LIFETIME_PARTS.has(k) ? 0 : undefined);

/** An accounting snapshot: the parts add up, and each one is what the model says. */
export class CountersCmd extends KCmd {
  /** `clauses`: the accounting clause, or a more specific one first (kernel.decision.process-dead-queue). */
  constructor(readonly clauses: readonly string[] = [C.balance]) {
    super();
  }
  exec(m: Model, r: Real): void {
    const balance = this.clauses;
    const at = r.pos;
    const got = r.take([{ op: 'snapshot', fields: ['frames', 'ipc'] }]);
    if (!got) return;
    const v = valueOf(got[0]);
    const frames = v && isObj(v.frames) ? v.frames : null;
    const ipc = v && isObj(v.ipc) ? v.ipc : null;
    r.ck(balance, frames !== null && ipc !== null, () => `op #${at} snapshot has no 'frames'/'ipc' accounting: ${showResult(got[0])}`);
    if (!frames || !ipc) return;
    const want = m.frameCounts();
    const parts = Object.keys(want).filter((k) => k !== 'injected' && k !== 'looped');
    const sum = parts.reduce((n, k) => n + Number(part(frames, k) ?? NaN), 0);
    const total = Number(frames.injected ?? NaN) + Number(frames.looped ?? NaN);
    r.ck(balance, sum === total, () => `op #${at}: frame accounting does not add up: ${parts.map((k) => `${k} ${frames[k]}`).join(' + ')} = ${sum}, but injected ${frames.injected} + looped ${frames.looped} = ${total}`);
    for (const k of Object.keys(want)) r.ck(balance, part(frames, k) === want[k], () => `op #${at}: frames.${k} should be ${want[k]} (${explainFrames(m, k)}), got ${frames[k]}`);
    const wantIpc = m.ipcCounts();
    const ipcParts = Object.keys(wantIpc).filter((k) => k !== 'sent');
    const ipcSum = ipcParts.reduce((n, k) => n + Number(part(ipc, k) ?? NaN), 0);
    r.ck(balance, ipcSum === ipc.sent, () => `op #${at}: IPC accounting does not add up: ${ipcParts.map((k) => `${k} ${ipc[k]}`).join(' + ')} = ${ipcSum}, but sent = ${ipc.sent}`);
    for (const k of Object.keys(wantIpc)) r.ck(balance, part(ipc, k) === wantIpc[k], () => `op #${at}: ipc.${k} should be ${wantIpc[k]}, got ${ipc[k]}`);
  }
  toString(): string {
    return 'counters';
  }
}

function explainFrames(m: Model, counter: string): string {
  const which = m.frames.filter((f) => counter === (f.origin === 'wire' ? 'injected' : 'looped') || FRAME_COUNTERS[f.fate] === counter);
  return which.length ? `frames ${which.map((f) => `#${f.n}`).join(', ')}` : 'none';
}
