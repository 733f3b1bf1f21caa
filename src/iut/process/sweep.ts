// The last-resort sweep: children (and whatever they started) still running when r2net exits
// or is interrupted are killed with it (reap.ts).
import { killAll } from './reap.ts';
import type { Child } from './child.ts';

// Children still running when this process exits (or is interrupted) are killed with it, and
// with them whatever they started (reap.ts): no orphans even when a caller forgets close(), the
// run ends by an exception, or by Ctrl-C.
export const live = new Set<Child>();
/** Tokens of children that exited: their descendants may still run until swept. */
export const unswept = new Set<string>();
let exitHookInstalled = false;
function sweepAll(): void {
  for (const c of live) c.kill();
  for (const t of unswept) killAll(undefined, t);
}
export function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', sweepAll);
  // Children run in their own process group (so a group kill also reaches what they start), so
  // a Ctrl-C at the terminal does not reach them: pass SIGINT/SIGTERM on, then let the signal
  // do to this process what it would have done.
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = (): void => {
      sweepAll();
      process.removeListener(sig, onSignal);
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}
