// The hazards of spec-notes §9.7: registrations outlive their process. Each is stated as the
// property a user wants; on the seed profile each FINDS a counterexample (shrunk to a few ops),
// reported under verdict `hazard`. The evidence is a closing snapshot of the trace: the dead pid
// still registered, the frames lost to it counted, and (for the driver) a living process's 0x37
// arg1 = 0 that answered Okay and changed nothing. The model names the frames in the message.
import fc from 'fast-check';
import type { PropertyDef } from '../../src/runner/property.ts';
import { C, describeFrame, InjectCmd, LifetimeCmd, RegisterCmd, BindCmd, showRegistry, TickCmd } from './commands/index.ts';
import { isObj, setupArb, valueOf, type KCmd, type Real } from './engine.ts';
import { machineProperty } from './machine.ts';
import { FIRST_PID, type MFrame, type Model } from './model.ts';
import { PORT_POOL, rxFrame, tcpDestPortOracle } from './frames.ts';

const PORT = PORT_POOL[0];

/** The closing snapshot: who is registered, who is alive, what was lost to a gone receiver. */
function closing(r: Real): { driverPid: unknown; registry: Record<string, unknown>[]; live: number[]; lost: number; at: number } | null {
  const at = r.pos;
  const got = r.take([{ op: 'snapshot', fields: ['driverPid', 'registry', 'processes', 'frames'] }]);
  const v = got ? valueOf(got[0]) : null;
  if (!v) return null;
  const procs = Array.isArray(v.processes) ? v.processes.filter(isObj) : [];
  const frames = isObj(v.frames) ? v.frames : {};
  return {
    driverPid: v.driverPid,
    registry: Array.isArray(v.registry) ? v.registry.filter(isObj) : [],
    live: procs.filter((p) => p.state !== 'dead').map((p) => p.pid as number),
    lost: typeof frames.lostReceiverGone === 'number' ? frames.lostReceiverGone : 0,
    at,
  };
}

const lostTo = (m: Model, pid: number, port: number | null): MFrame | undefined =>
  m.frames.find((f) => f.fate === 'lost-receiver-gone' && !f.lostWithQueue && f.dstPid === pid && (port === null || tcpDestPortOracle(f.received) === port));

const where = (f: MFrame): string => `${f.tick ? `tick ${f.tick}` : `op #${f.op}`}`;

const death = (m: Model, pid: number): string => {
  const d = m.deaths.find((x) => x.pid === pid);
  return d ? `${d.how === 'exit' ? 'exited' : 'was killed'} at op #${d.op}` : 'died';
};

export const kernelLifetimeHazardProperties: PropertyDef[] = [
  machineProperty({
    id: 'kernel.hazard.driver-outlives-process',
    title: 'after the global driver process dies, another process can become the driver and ARP/ICMP frames reach a living process',
    clauses: [C.driverOutlives],
    setup: () => setupArb({ minProcs: 2, maxProcs: 2, driver: true }),
    commands: (ctx) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constantFrom<KCmd>(new LifetimeCmd(0, 'exit'), new LifetimeCmd(0, 'kill')) },
        { weight: 3, arbitrary: rxFrame(ctx.limits, { kinds: ['arp', 'icmp'] }).map((f): KCmd => new InjectCmd(f)) },
        { weight: 3, arbitrary: fc.constant(null).map((): KCmd => new TickCmd()) },
      ),
    maxCommands: 8,
    // Every living process then tries to take over as the driver; the closing snapshot says what came of it.
    finish: (m, r) => {
      const dead = m.driverPid !== m.noPid && !m.live(m.driverPid) ? m.driverPid : null;
      const tries: number[] = [];
      if (dead !== null)
        for (const p of m.procs.filter((q) => m.runnable(q) && !q.receive)) {
          tries.push(r.pos);
          new RegisterCmd(p.pid - FIRST_PID).exec(m, r);
        }
      const s = closing(r);
      if (!s || dead === null) return;
      const lost = lostTo(m, dead, null);
      if (!lost) return;
      r.ck(C.driverOutlives, !(s.driverPid === dead && !s.live.includes(dead) && s.lost > 0), () =>
        `pid ${dead}, the global driver, ${death(m, dead)}; frame #${lost.n} (${describeFrame(lost.bytes)}, offered at op #${lost.op}) was then routed to the dead pid ${dead} at ${where(lost)} and lost. ` +
        (tries.length ? `The living process's 0x37 arg1 = 0 (op #${tries.join(', #')}) answered Okay and changed nothing: registration is idempotent, ` : 'No process can take over: registration is idempotent, ') +
        `and the closing snapshot (op #${s.at}) still has NET_DRV_PID = ${JSON.stringify(s.driverPid)}, a pid no living process has (frames.lostReceiverGone = ${s.lost})`,
      );
    },
  }),
  machineProperty({
    id: 'kernel.hazard.binding-outlives-process',
    title: 'a frame for a TCP port whose process has died is refused, rerouted or reported, never lost with no one told',
    clauses: [C.bindingOutlives],
    setup: () => setupArb({ minProcs: 2, maxProcs: 2, driver: true }),
    commands: (ctx, cfg) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constant(null).map((): KCmd => new BindCmd(1, [PORT], cfg)) },
        { weight: 2, arbitrary: fc.constantFrom<KCmd>(new LifetimeCmd(1, 'exit'), new LifetimeCmd(1, 'kill')) },
        { weight: 3, arbitrary: rxFrame(ctx.limits, { kinds: ['tcp'], ports: fc.constant(PORT) }).map((f): KCmd => new InjectCmd(f)) },
        { weight: 3, arbitrary: fc.constant(null).map((): KCmd => new TickCmd()) },
      ),
    maxCommands: 8,
    finish: (m, r) => {
      const s = closing(r);
      if (!s) return;
      for (const e of m.bound()) {
        if (m.live(e.pid)) continue;
        const lost = lostTo(m, e.pid, e.port);
        const now = s.registry.find((x) => x.port === e.port);
        if (!lost || !now) continue;
        const bind = r.binds.find((b) => b.port === e.port && b.pid === e.pid);
        r.ck(C.bindingOutlives, !(now.pid === e.pid && !s.live.includes(e.pid) && s.lost > 0), () =>
          `pid ${e.pid} bound TCP port ${e.port}${bind ? ` at op #${bind.at}` : ''} and ${death(m, e.pid)}; frame #${lost.n} (${describeFrame(lost.bytes)}, offered at op #${lost.op}) was routed to the dead pid at ${where(lost)} and lost, and no return code or process was told: ` +
          `the closing snapshot (op #${s.at}) still binds the port to it, registry (slot:port→pid) ${showRegistry(s.registry)} (frames.lostReceiverGone = ${s.lost})`,
        );
      }
    },
  }),
];
