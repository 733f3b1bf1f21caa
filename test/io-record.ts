// Test helper: records every port access on a bus until `stop()` (the bus's tap observes for the
// machine's lifetime, so stopping is a flag here).
import type { IoAccess, IoBus } from '../src/hw/bus.ts';

export function recordAccesses(bus: IoBus): { log: IoAccess[]; stop: () => void } {
  const log: IoAccess[] = [];
  let on = true;
  bus.tap((a) => {
    if (on) log.push(a);
  });
  return { log, stop: () => (on = false) };
}
