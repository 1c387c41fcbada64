// The rule-based strategies the backtester scores, each a streaming Strategy that sees one closed bar at
// a time: buy-and-hold, the benchmark every other strategy must beat after costs, and a simple moving
// average crossover, long while the fast average is above the slow one.
import type { Action, PriceBar } from './execution.ts';
import type { Holding, Strategy } from './simulate.ts';

export const buyAndHold = (): Strategy => ({ decide: () => 'buy' });

/** The mean of the last `length` closes, kept in a ring buffer: O(1) a bar. */
class MovingAverage {
  private readonly values: Float64Array;
  private readonly length: number;
  private sum = 0;
  private count = 0;

  constructor(length: number) {
    this.length = length;
    this.values = new Float64Array(length);
  }

  next(value: number): number | undefined {
    const slot = this.count % this.length;
    this.sum += value - this.values[slot]!;
    this.values[slot] = value;
    this.count++;
    // Recompute now and then: adding and removing a million values drifts in the last bits.
    if (this.count % 65_536 === 0) this.sum = this.values.reduce((a, b) => a + b, 0);
    return this.count >= this.length ? this.sum / this.length : undefined;
  }
}

export interface SmaParams {
  readonly fast: number;
  readonly slow: number;
}

/** Long while SMA(fast) > SMA(slow), flat otherwise; holds until both averages exist. */
export function smaCrossover({ fast, slow }: SmaParams): Strategy {
  if (!(Number.isInteger(fast) && Number.isInteger(slow) && fast >= 1 && fast < slow)) throw new RangeError(`an SMA crossover needs 1 <= fast < slow, not ${fast}/${slow}`);
  const fastAverage = new MovingAverage(fast);
  const slowAverage = new MovingAverage(slow);
  return {
    decide(bar: PriceBar, _holding: Holding): Action {
      const f = fastAverage.next(bar.close);
      const s = slowAverage.next(bar.close);
      if (f === undefined || s === undefined) return 'hold';
      return f > s ? 'buy' : 'sell';
    },
  };
}

/** Every fast/slow pair of the grids with fast < slow, in grid order. */
export function smaGrid(fast: readonly number[], slow: readonly number[]): SmaParams[] {
  return fast.flatMap((f) => slow.filter((s) => f < s).map((s) => ({ fast: f, slow: s })));
}
