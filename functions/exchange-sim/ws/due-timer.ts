// A timer for a moment on the simulator clock: it fires when that clock should have reached `due`,
// converting through the clock speed. The clock may be injected and need not follow the wall clock, so
// the timer wakes at least once a second, and backs off while the clock stands still instead of spinning.
import { wallDelay } from '../clock.ts';

export interface SimClock {
  now(): number;
  /** How many times faster than the wall clock the simulator clock runs. */
  readonly speed: number;
}

/** Longest sleep: a clock changed from outside is noticed within this. */
const MAX_WAIT_MS = 1000;
const MAX_STILL_BACKOFF_MS = 64;

export class DueTimer {
  private timer: NodeJS.Timeout | undefined;
  private lastNow = Number.NaN;
  private stillWakes = 0;
  private readonly clock: SimClock;
  private readonly run: () => void;

  constructor(clock: SimClock, run: () => void) {
    this.clock = clock;
    this.run = run;
  }

  /** Runs the callback once the simulator clock reaches `due` (or sooner, to look again); 0 ms when `due` is undefined. */
  at(due: number | undefined): void {
    this.cancel();
    let delay = 0;
    if (due !== undefined) {
      const now = this.clock.now();
      this.stillWakes = now === this.lastNow ? this.stillWakes + 1 : 0;
      this.lastNow = now;
      const backoff = this.stillWakes === 0 ? 0 : Math.min(2 ** this.stillWakes, MAX_STILL_BACKOFF_MS);
      delay = Math.min(MAX_WAIT_MS, Math.max(wallDelay(due, now, this.clock.speed), backoff));
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, delay);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
