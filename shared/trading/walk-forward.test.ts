import { describe, expect, it } from 'vitest';
import { foldSpans } from '../analytics/walk-forward.ts';
import type { PriceBar } from './execution.ts';
import { fitSmaCrossover, holdThroughout } from './choosers.ts';
import { smaCrossover, smaGrid } from './strategies.ts';
import { performanceOf } from './performance.ts';
import { simulate } from './simulate.ts';
import { runWalkForward } from './walk-forward.ts';

const MINUTE = 60_000;
const bar = (i: number, open: number, close: number): PriceBar => ({ open_time: i * MINUTE, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 });
/** Opens at 100 + i, closes at 100.5 + i: a steady rise. */
const rising = Array.from({ length: 100 }, (_, i) => bar(i, 100 + i, 100.5 + i));
const options = { costs: { fee_rate: 0.001, slippage_rate: 0 }, initialCash: 1000, periodsPerYear: 525_600, intervalMs: MINUTE };

describe('runWalkForward', () => {
  it('chains the folds on one account: buy-and-hold earns each test period’s price ratio minus two fees, compounded', async () => {
    const folds = foldSpans(0, 100 * MINUTE, MINUTE, { train_bars: 40, test_bars: 20 });
    expect(folds.map((f) => [f.test.from / MINUTE, f.test.to / MINUTE])).toEqual([
      [40, 60],
      [60, 80],
      [80, 100],
    ]);
    const result = await runWalkForward('buy_and_hold', 'BTCUSDT', rising, folds, holdThroughout, options);
    // Each fold decides on the last training bar's close and buys at the test period's first open; it sells at the last close.
    const ratios = folds.map((f) => (100.5 + (f.test.to / MINUTE - 1)) / (100 + f.test.from / MINUTE));
    for (const [k, ratio] of ratios.entries()) expect(result.folds[k]!.performance.total_return).toBeCloseTo(ratio * 0.999 ** 2 - 1, 12);
    expect(result.aggregate.total_return).toBeCloseTo(ratios.reduce((g, r) => g * r * 0.999 ** 2, 1) - 1, 12);
    expect(result.equity).toHaveLength(60);
    expect(result.equity.at(-1)!.equity).toBeCloseTo(1000 * (1 + result.aggregate.total_return), 8);
    // A buy and a sell per fold, and each fold's first buy fills at its test period's first bar.
    expect(result.trades.map((t) => [t.fold, t.side, t.time / MINUTE])).toEqual([
      [0, 'buy', 40],
      [0, 'sell', 60],
      [1, 'buy', 60],
      [1, 'sell', 80],
      [2, 'buy', 80],
      [2, 'sell', 100],
    ]);
    expect(result.aggregate.hit_rate).toBe(1);
    expect(result.skipped).toEqual([]);
  });

  it('skips a fold whose test period has no usable bar, and says so', async () => {
    const folds = foldSpans(0, 100 * MINUTE, MINUTE, { train_bars: 40, test_bars: 20 });
    const holed = rising.filter((b) => b.open_time < 60 * MINUTE || b.open_time >= 80 * MINUTE);
    const result = await runWalkForward('buy_and_hold', 'BTCUSDT', holed, folds, holdThroughout, options);
    expect(result.folds.map((f) => f.fold)).toEqual([0, 2]);
    expect(result.skipped).toEqual([{ fold: 1, reason: 'no usable bars in its test period' }]);
  });
});

describe('fitting the SMA crossover on training bars only', () => {
  it('picks the pair with the best training Sharpe, and its choice never depends on the test bars', async () => {
    // Training: a zig-zag every 8 bars; the test period is a different market altogether.
    const zigzag = Array.from({ length: 200 }, (_, i) => {
      const level = 100 + 5 * Math.sin((2 * Math.PI * i) / 64);
      return bar(i, level, level + 0.01);
    });
    const folds = foldSpans(0, 200 * MINUTE, MINUTE, { train_bars: 150, test_bars: 50 });
    const choose = fitSmaCrossover([2, 4, 8], [16, 32], options.costs, options.periodsPerYear);
    const first = await choose(folds[0]!, zigzag.slice(0, 150));
    const crashed = zigzag.map((b, i) => (i >= 150 ? bar(i, 10, 9) : b));
    const again = await choose(folds[0]!, crashed.slice(0, 150));
    expect('params' in first && first.params).toEqual('params' in again && again.params);
    // Its training Sharpe is the best of the grid's, each computed here directly on the training bars.
    if (!('params' in first)) throw new Error('no pair chosen');
    const sharpes = smaGrid([2, 4, 8], [16, 32]).map(
      (p) => performanceOf(simulate(zigzag.slice(0, 150), smaCrossover(p), { costs: options.costs, initialCash: 1 }), options.periodsPerYear).sharpe ?? 0,
    );
    expect(first.params.train_sharpe).toBe(Math.max(...sharpes));
    expect(new Set(sharpes).size).toBeGreaterThan(1);
  });

  it('trades its test period with the averages warmed on the training bars', async () => {
    const prices = [...Array.from({ length: 30 }, (_, i) => 100 - i), ...Array.from({ length: 30 }, (_, i) => 70 + 2 * i)];
    const bars = prices.map((p, i) => bar(i, p, p));
    const folds = foldSpans(0, 60 * MINUTE, MINUTE, { train_bars: 30, test_bars: 30 });
    const fixed = () => ({ strategy: smaCrossover({ fast: 2, slow: 5 }), params: { fast: 2, slow: 5 } });
    const result = await runWalkForward('sma_crossover', 'BTCUSDT', bars, folds, fixed, { ...options, costs: { fee_rate: 0, slippage_rate: 0 } });
    // Falling through training: flat at the start of the test period, no buy until the fast average crosses.
    const buy = result.trades.find((t) => t.side === 'buy')!;
    expect(buy.time).toBeGreaterThan(30 * MINUTE);
    // The averages were warm: SMA(2) > SMA(5) two bars into the rise (72 + 74 > …), so it buys at bar 33's open.
    expect(buy.decided_at / MINUTE).toBe(32);
    expect(buy.price).toBe(bars[33]!.open);
  });
});
