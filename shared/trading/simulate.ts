// A strategy over a stretch of bars, through the Execution order of events. The strategy is handed closed
// bars one at a time, in order, and nothing else: it cannot see a bar before it has closed, so it cannot
// peek, and whatever it decides on bar t is filled at bar t+1's open.
import { Account, type Action, type Costs, type Fill, type PriceBar } from './execution.ts';

/** What a strategy knows of its account when it decides. */
export interface Holding {
  /** Whether it holds the asset. */
  readonly long: boolean;
}

export interface Strategy {
  /** Called once per bar as it closes, history first: the action to take at the next bar's open. */
  decide(bar: PriceBar, holding: Holding): Action;
}

export interface SimulationOptions {
  readonly costs: Costs;
  readonly initialCash: number;
  /**
   * The traded period, bars [start, end). Bars before `start` are history the strategy sees first (an
   * SMA's warm-up); its decision on bar start-1 can fill at bar start's open. Default: all the bars.
   */
  readonly start?: number;
  readonly end?: number;
  /** Bar length: when the period ends with the last bar, the closing sale is stamped at its close. */
  readonly intervalMs?: number;
  /** Told of every fill, in order (a test of the order of events listens here). */
  onFill?(fill: Fill): void;
}

export interface Simulation {
  /** Equity at each traded bar's close; the last one after the position is closed. */
  readonly equity: Float64Array;
  /** Share of equity in the asset at each traded bar's close (before the closing sale on the last). */
  readonly positions: Float64Array;
  /** Per-bar simple returns of equity, the first against the initial cash. */
  readonly returns: Float64Array;
  readonly fills: Fill[];
  readonly finalEquity: number;
}

/**
 * Runs the strategy over the period. An open position is sold at the last bar's close, which stands for
 * the next bar's open: a period's result is what the account holds in cash when it ends, costs paid.
 */
export function simulate(bars: readonly PriceBar[], strategy: Strategy, options: SimulationOptions): Simulation {
  const start = options.start ?? 0;
  const end = options.end ?? bars.length;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= bars.length && start < end)) {
    throw new RangeError(`the traded period [${start}, ${end}) must hold at least one of the ${bars.length} bars`);
  }
  const account = new Account(options.initialCash, options.costs);
  const n = end - start;
  const equity = new Float64Array(n);
  const positions = new Float64Array(n);
  const returns = new Float64Array(n);
  const fills: Fill[] = [];
  const record = (fill: Fill | undefined) => {
    if (!fill) return;
    fills.push(fill);
    options.onFill?.(fill);
  };
  let pending: Action = 'hold';
  let decidedAt = Number.NaN;
  for (let t = 0; t < start; t++) {
    pending = strategy.decide(bars[t]!, account);
    decidedAt = bars[t]!.open_time;
  }
  let before = options.initialCash;
  for (let t = start; t < end; t++) {
    const bar = bars[t]!;
    if (pending !== 'hold') record(account.fill(pending, bar.open, decidedAt, bar.open_time));
    const i = t - start;
    positions[i] = account.positionAt(bar.close);
    if (t === end - 1) {
      const closeTime = end < bars.length ? bars[end]!.open_time : bar.open_time + (options.intervalMs ?? bar.open_time - (bars[t - 1]?.open_time ?? bar.open_time));
      record(account.fill('sell', bar.close, bar.open_time, closeTime));
    } else {
      pending = strategy.decide(bar, account);
      decidedAt = bar.open_time;
    }
    equity[i] = account.equityAt(bar.close);
    returns[i] = equity[i]! / before - 1;
    before = equity[i]!;
  }
  return { equity, positions, returns, fills, finalEquity: equity[n - 1]! };
}
