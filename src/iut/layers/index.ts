// Which layers the reference implements, and how each executes a scenario. Adding a layer to
// the reference is one entry here; the runner and reports need no change.
import type { Layer, Op, Statement, Trace } from '../contract.ts';
import type { Profile } from '../../spec/profile.ts';
import { runOps, traceOf, type Handler } from './dispatch.ts';
import { codecHandlers } from './codec.ts';
import { slipHandlers } from './slip.ts';
import { nicExecutor } from './nic.ts';
import { serialExecutor } from './serial.ts';
import { kernelExecutor } from './kernel.ts';

/** Executes one scenario's ops on fresh state (each scenario starts from reset). */
export type LayerExecutor = (ops: Op[], profile: Profile, statement: Statement) => Trace;

/** Stateless handler tables are built once per profile, not once per scenario. */
function statelessExecutor(build: (profile: Profile) => Record<string, Handler<null>>): LayerExecutor {
  const tables = new WeakMap<Profile, Record<string, Handler<null>>>();
  return (ops, profile) => {
    let handlers = tables.get(profile);
    if (!handlers) tables.set(profile, (handlers = build(profile)));
    return traceOf(runOps(ops, handlers, null));
  };
}

export const referenceLayers: Partial<Record<Layer, LayerExecutor>> = {
  codec: statelessExecutor(codecHandlers),
  slip: statelessExecutor(slipHandlers),
  nic: nicExecutor(),
  serial: serialExecutor(),
  kernel: kernelExecutor(),
};
