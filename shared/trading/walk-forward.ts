// One strategy over one symbol's walk-forward folds. Each fold picks what it trades with from its
// training bars only (an SMA pair, a PPO policy trained there), then trades its test bars, seeing the
// training bars first as history. The folds run one after the other on one account: fold k starts with
// the equity fold k-1 ended with, so the chained test periods are one equity curve, and the aggregate
// metrics are those of that curve.
import type { FoldSpan } from '../analytics/walk-forward.ts';
import type { EquityPoint, FoldResult, Span, StrategyName, StrategyResult, Trade } from '../contracts/backtest.ts';
import type { Costs, PriceBar } from './execution.ts';
import { performanceOf } from './performance.ts';
import { type Strategy, simulate } from './simulate.ts';

export type FoldChoice = { readonly strategy: Strategy; readonly params: Readonly<Record<string, string | number>> } | { readonly skip: string };

/** What the strategy trades a fold's test period with, chosen from the fold's training bars alone. */
export type Chooser = (fold: FoldSpan, trainBars: readonly PriceBar[]) => FoldChoice | Promise<FoldChoice>;

export interface RunOptions {
  readonly costs: Costs;
  readonly initialCash: number;
  readonly periodsPerYear: number;
  readonly intervalMs: number;
}

const within = (bars: readonly PriceBar[], span: Span) => bars.filter((b) => b.open_time >= span.from && b.open_time < span.to);

export async function runWalkForward(
  strategy: StrategyName,
  symbol: string,
  bars: readonly PriceBar[],
  folds: readonly FoldSpan[],
  choose: Chooser,
  options: RunOptions,
): Promise<StrategyResult> {
  const results: FoldResult[] = [];
  const equity: EquityPoint[] = [];
  const trades: Trade[] = [];
  const skipped: StrategyResult['skipped'] = [];
  const returns: number[] = [];
  const positions: number[] = [];
  let cash = options.initialCash;
  for (const fold of folds) {
    const train = within(bars, fold.train);
    const test = within(bars, fold.test);
    if (test.length === 0) {
      skipped.push({ fold: fold.fold, reason: 'no usable bars in its test period' });
      continue;
    }
    const choice = await choose(fold, train);
    if ('skip' in choice) {
      skipped.push({ fold: fold.fold, reason: choice.skip });
      continue;
    }
    const run = simulate([...train, ...test], choice.strategy, { costs: options.costs, initialCash: cash, start: train.length, intervalMs: options.intervalMs });
    results.push({ fold: fold.fold, train: fold.train, test: fold.test, performance: performanceOf(run, options.periodsPerYear), params: { ...choice.params } });
    for (const [i, bar] of test.entries()) equity.push({ fold: fold.fold, time: bar.open_time, equity: run.equity[i]!, position: run.positions[i]! });
    for (const fill of run.fills) trades.push({ fold: fold.fold, ...fill });
    returns.push(...run.returns);
    positions.push(...run.positions);
    cash = run.finalEquity;
  }
  const fills = trades.map(({ fold: _fold, ...fill }) => fill);
  return { strategy, symbol, folds: results, aggregate: performanceOf({ returns, positions, fills }, options.periodsPerYear), equity, trades, skipped };
}
