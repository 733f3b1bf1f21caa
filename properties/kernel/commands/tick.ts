// Frames offered on the wire (inject) and the timer tick: polling, routing, delivery, the pick
// and the completion of a blocked receive.
import type { Op } from '../../../src/iut/contract.ts';
import { toHex } from '../../../src/util/bytes.ts';
import { buildRxFrame, describeRx, ETH_HEADER, tcpDestPortOracle, whyNoPort, type RxFrame } from '../frames.ts';
import type { Model } from '../model.ts';
import { isObj, KCmd, showResult, valueOf, type Real } from '../engine.ts';
import { C, describeFrame } from './clauses.ts';
import { onCopy } from './receive.ts';
import { declaresLifetimes } from './lifetimes.ts';

export class InjectCmd extends KCmd {
  constructor(readonly frame: RxFrame) {
    super();
  }
  exec(m: Model, r: Real): void {
    const bytes = buildRxFrame(this.frame);
    const at = r.pos;
    const got = r.take([{ op: 'inject', frame: toHex(bytes), note: describeRx(this.frame, bytes.length) }]);
    const before = m.rxEnabled;
    const exp = m.inject(bytes, at);
    if (!got) return;
    const acc = valueOf(got[0])?.accepted;
    // kernel.hazard.silent-loss: the wire does not retry; a frame the NIC refuses because no
    // driver has switched its receiver on is gone, and no syscall will ever tell anyone.
    const reason = valueOf(got[0])?.reason;
    if (acc === false && reason === 'rx-disabled')
      r.ck(C.silentLoss, false, () => `frame #${exp.frame.n} (${describeFrame(bytes)}) offered on the wire at op #${at} was refused by the NIC (rx-disabled: no driver has registered, so its receiver is off); the frame is lost and nothing tells any process`);
    if (!before) r.ck(C.nothingBeforeDriver, acc === false, () => `op #${at} inject: no driver has registered, so the NIC's receiver is off and must refuse the frame; got ${showResult(got[0])}`);
    else if (exp.accepted) r.ck(C.register, acc === true, () => `op #${at} inject: the driver initialised the NIC, which must accept a ${bytes.length}-byte frame into its ring; got ${showResult(got[0])}`);
  }
  toString(): string {
    return `inject(${this.frame.kind})`;
  }
}

/**
 * The clause a frame's routing checks, most specific first (the one a misroute fails): the IHL
 * rules of tcp_dest_port (options, IHL < 5, too short for the port), then bound port or driver.
 */
function routeClauses(bytes: Uint8Array, m: Model): string[] {
  const port = tcpDestPortOracle(bytes);
  const ipv4Tcp = bytes.length >= ETH_HEADER + 20 && bytes[12] === 0x08 && bytes[13] === 0x00 && bytes[ETH_HEADER + 9] === 6;
  const ihl = ipv4Tcp ? bytes[ETH_HEADER]! & 0x0f : 5;
  if (port !== null) {
    const target = m.lookup(port) !== null ? C.boundPort : C.defaultDriver;
    return ihl > 5 ? [C.tcpDestPort, target] : [target, C.tcpDestPort];
  }
  if (ipv4Tcp && ihl < 5) return [C.ihlBelow5, C.defaultDriver, C.tcpDestPort];
  return ipv4Tcp ? [C.tcpDestPort, C.defaultDriver] : [C.defaultDriver, C.tcpDestPort];
}

function routeWhy(bytes: Uint8Array, m: Model, dst: number): string {
  const port = tcpDestPortOracle(bytes);
  if (port !== null) return m.lookup(port) !== null ? `TCP port ${port} is bound to pid ${dst}` : `TCP port ${port} is not bound: the driver (pid ${dst}) gets it`;
  return `${whyNoPort(bytes)}: no TCP destination port, so the driver (pid ${dst}) gets it`;
}

export class TickCmd extends KCmd {
  exec(m: Model, r: Real): void {
    const at = r.pos;
    // What the tick will do, to plan the peek of a resumed receive.
    const woken = new Map(m.procs.map((p) => [p.pid, p.wokenBy]));
    const blockedBefore = new Set(m.procs.filter((p) => p.blocked).map((p) => p.pid));
    const driverBefore = m.driverPid;
    const exp = m.tick();
    const ops: Op[] = [{ op: 'tick' }];
    if (exp.resumed) ops.push({ op: 'peek', pid: exp.resumed.pid, addr: exp.resumed.addr, len: exp.resumed.len });
    const got = r.take(ops);
    if (!got) return;
    const v = valueOf(got[0]);
    const what = `op #${at} (tick ${exp.tick})`;
    r.ck([C.tickRate, C.pollBeforePick, C.framesPerTick, C.roundRobin], v !== null, () => `${what} failed: ${showResult(got[0])}`);
    if (!v) return;
    const hz = r.ctx.limits.pitHz;
    r.ck(C.tickRate, v.tick === exp.tick && typeof v.time === 'number' && Math.abs(v.time - exp.tick / hz) < 1e-9, () => `${what}: after ${exp.tick} ticks at ${hz} Hz expected tick ${exp.tick} and time ${exp.tick / hz} s, got tick ${v.tick}, time ${v.time}`);
    // The steps exactly: poll, pick, then resume only when a blocked receive completed.
    const order = Array.isArray(v.order) ? v.order : [];
    const wantOrder = ['poll', 'pick', ...(exp.resumed ? ['resume'] : [])];
    r.ck(C.pollBeforePick, JSON.stringify(order) === JSON.stringify(wantOrder), () => `${what}: the tick's steps must be ${JSON.stringify(wantOrder)} (poll_and_deliver before the pick${exp.resumed ? ', then the completed receive' : ''}); it reported ${JSON.stringify(order)}`);
    const delivered = Array.isArray(v.delivered) ? v.delivered.filter(isObj) : [];
    const dropped = typeof v.dropped === 'number' ? v.dropped : 0;
    const fpt = r.ctx.limits.framesPerTick;
    // receive_frame calls: none before a driver; after, one per frame taken and one more that
    // finds the ring empty while calls are left (at least that, at most framesPerTick: exactly 1 in the seed).
    const taken = exp.delivered.length + exp.dropped.length;
    const least = driverBefore === m.noPid ? 0 : Math.min(fpt, taken + 1);
    const most = driverBefore === m.noPid ? 0 : fpt;
    r.ck(driverBefore === m.noPid ? C.nothingBeforeDriver : C.framesPerTick, typeof v.polled === 'number' && v.polled >= least && v.polled <= most, () =>
      `${what}: ${driverBefore === m.noPid ? 'no driver has registered, so poll_and_deliver makes no receive_frame call' : `with ${taken} frame(s) taken, the tick makes ${least === most ? least : `${least}..${most}`} receive_frame call(s) (at most ${fpt}, and one that finds the ring empty)`}; it reported polled=${JSON.stringify(v.polled)}`,
    );
    if (driverBefore === m.noPid) r.ck(C.nothingBeforeDriver, delivered.length === 0 && dropped === 0, () => `${what}: no driver has registered, yet the tick took ${delivered.length + dropped} frame(s) from the NIC`);
    r.ck(C.framesPerTick, delivered.length + dropped === exp.delivered.length + exp.dropped.length, () =>
      `${what}: the tick should take ${exp.delivered.length + exp.dropped.length} frame(s) from the NIC (at most ${fpt} a tick, ${m.ring.length + exp.delivered.length + exp.dropped.length} waiting), it took ${delivered.length + dropped} (${delivered.length} delivered, ${dropped} dropped)`,
    );
    r.ck(C.framesPerTick, dropped === exp.dropped.length, () => `${what}: ${exp.dropped.length} frame(s) should be dropped by the driver (< ${r.ctx.limits.minRxFrame} bytes or over its ${r.ctx.limits.rxCallerBufferBytes}-byte buffer with their 4 CRC bytes), ${dropped} were`);
    exp.delivered.forEach((d, i) => {
      const g = delivered[i];
      if (!g) return;
      r.ck(routeClauses(d.frame.received, m), g.dstPid === d.dstPid, () => `${what} delivered ${describeFrame(d.frame.bytes)} (frame #${d.frame.n}) to pid ${g.dstPid}; it belongs to pid ${d.dstPid}: ${routeWhy(d.frame.received, m, d.dstPid)}`);
      r.ck(C.message, g.len === d.len, () => `${what}: the message for ${describeFrame(d.frame.bytes)} must carry port_id = its length with its 4 CRC bytes, ${d.len}, got ${g.len}`);
      if (typeof g.pushed === 'boolean') r.ck(C.queueDepth, g.pushed === d.pushed, () => `${what}: pid ${d.dstPid}'s queue ${d.pushed ? 'had room' : `was full (${r.ctx.limits.messageQueueDepth} messages)`}, so the push should ${d.pushed ? 'succeed' : 'fail'}; the tick reported pushed=${g.pushed}`);
    });
    // The pick, checked every tick under the clause the expected pick depends on.
    {
      const w = woken.get(exp.picked);
      const gotBlocked = v.picked !== exp.picked && typeof v.picked === 'number' && blockedBefore.has(v.picked) && !exp.delivered.some((d) => d.dstPid === v.picked && d.pushed);
      const clause = w && w.byPoll && w.tick === exp.tick ? C.pollBeforePick : w ? C.wake : gotBlocked ? C.blocking : exp.picked === m.noPid || blockedBefore.has(exp.picked) ? C.roundRobin : exp.delivered.some((d) => d.dstPid === exp.picked && d.pushed) ? C.pollBeforePick : C.roundRobin;
      const why =
        clause === C.pollBeforePick
          ? `this tick's poll delivered a frame to pid ${exp.picked}, which was blocked in a receive: polling before the pick makes it runnable in time`
          : clause === C.wake
            ? `a push woke pid ${exp.picked} from its blocking receive`
            : clause === C.blocking
              ? `pid ${v.picked} is blocked in a receive and must not be picked`
              : 'round-robin over the runnable processes, after the last one picked';
      r.ck(clause, v.picked === exp.picked, () => `${what}: should pick ${exp.picked === m.noPid ? 'nobody (idle)' : `pid ${exp.picked}`} (${why}), picked ${v.picked}`);
    }
    // A tick that runs is not skipped; it reaps exactly the dead and wakes exactly the sleepers due.
    if (declaresLifetimes(r.ctx)) {
      r.ck(C.busySkipped, v.skipped === false, () => `${what}: a tick that runs (no busy flag) must report skipped: false, got ${JSON.stringify(v.skipped)}`);
      r.ck(C.deadReaped, JSON.stringify(v.reaped) === JSON.stringify(exp.reaped), () => `${what}: the tick reaps the dead processes ${JSON.stringify(exp.reaped)} (exited or killed since the last tick that ran), it reported reaped=${JSON.stringify(v.reaped)}`);
      const sorted = (x: unknown) => JSON.stringify(Array.isArray(x) ? [...x].sort() : x);
      r.ck(C.sleepWake, sorted(v.woken) === sorted(exp.woken), () => `${what}: the tick wakes the sleepers whose sleep_until it reached, ${JSON.stringify(exp.woken)}; it reported woken=${JSON.stringify(v.woken)}`);
    }
    const res = isObj(v.resumed) ? v.resumed : null;
    const expRes = exp.resumed;
    r.ck([C.blockingResult, C.blocking], (res === null) === (expRes === null) && (!expRes || (res?.pid === expRes.pid && res?.result === expRes.len)), () =>
      `${what}: ${expRes ? `pid ${expRes.pid}'s blocked 0x35 should complete with ${expRes.len} (the message pushed to it)` : 'no blocked receive completes'}, the tick reported resumed=${JSON.stringify(v.resumed)}`,
    );
    if (expRes) onCopy(m, r, at + 1, expRes, got[1], `the blocked 0x35 of pid ${expRes.pid} completed by tick ${exp.tick}`);
  }
  toString(): string {
    return 'tick';
  }
}
