// The simulator's clock: the configured "now", optionally running `speed` times faster than the wall
// clock from the moment the simulator starts, so a bench can replay an hour of trades in minutes.

/** A clock that advances `speed` times as fast as `now` does, counted from this call. */
export function scaledClock(now: () => number, speed: number): () => number {
  if (speed === 1) return now;
  const start = now();
  return () => start + Math.floor((now() - start) * speed);
}

/** Wall-clock ms until the simulator clock reaches `due` (at least 1: timers never spin at 0). */
export function wallDelay(due: number, simNow: number, speed: number): number {
  return Math.max(1, Math.ceil((due - simNow) / speed));
}
