// Which layers the reference implements, and how each executes a scenario. Adding a layer to
// the reference is one entry here; the runner and reports need no change.
import type { Layer, Op, Statement, Trace } from '../contract.ts';
import type { Profile } from '../../spec/profile.ts';
import { runOps, traceOf } from './dispatch.ts';
import { codecHandlers } from './codec.ts';
import { slipHandlers } from './slip.ts';
import { nicExecutor } from './nic.ts';
import { serialExecutor } from './serial.ts';
import { kernelExecutor } from './kernel.ts';

/** Executes one scenario's ops on fresh state (each scenario starts from reset). */
export type LayerExecutor = (ops: Op[], profile: Profile, statement: Statement) => Trace;

export const referenceLayers: Partial<Record<Layer, LayerExecutor>> = {
  codec: (ops, profile) => traceOf(runOps(ops, codecHandlers(profile), null)),
  slip: (ops, profile) => traceOf(runOps(ops, slipHandlers(profile), null)),
  nic: nicExecutor(),
  serial: serialExecutor(),
  kernel: kernelExecutor(),
};
