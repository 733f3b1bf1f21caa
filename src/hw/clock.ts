// Virtual time: the only clock of the reference. Nothing here reads the host's time, so a run
// replays exactly. Devices that "take time" (the UART shifting bits) read and advance this clock.
import type { VirtualClock } from './api.ts';

export class Clock implements VirtualClock {
  private t = 0;

  /** Seconds since reset. */
  now(): number {
    return this.t;
  }

  /** Moves time forward; a negative or non-finite step is ignored (time never runs backwards). */
  advance(seconds: number): void {
    if (Number.isFinite(seconds) && seconds > 0) this.t += seconds;
  }

  /**
   * Jumps to an absolute time if it lies in the future. Devices use this instead of advance()
   * so that event times computed as start + k·period stay exact instead of accumulating sums.
   */
  advanceTo(time: number): void {
    if (Number.isFinite(time) && time > this.t) this.t = time;
  }
}
