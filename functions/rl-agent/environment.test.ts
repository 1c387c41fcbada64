// The training environment on hand-made bars: rewards are the log growth of equity net of fee and
// slippage, filled at the next open and marked at the next close, and an observation is made only of
// bars that have closed.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/ml/random.ts';
import type { PriceBar } from '../../shared/trading/execution.ts';
import { TradingEnvironment } from './environment.ts';
import { Observer, warmupBars } from '../../shared/trading/ppo/observation.ts';
import { barsFromLogReturns, randomWalkBars } from './test-support.ts';

const WINDOW = 2;
const bar = (i: number, open: number, close: number): PriceBar => ({ open_time: i * 300_000, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 });

describe('TradingEnvironment', () => {
  it('rewards 100 × ln(equity after / equity before), fee and slippage paid, for a buy then a sell', () => {
    const fee = 0.001;
    const slip = 0.0005;
    // Warm-up, then the one bar an episode of 2 can start on (16), and the two it trades on.
    const bars = [...barsFromLogReturns(Array.from({ length: 16 }, (_, i) => (i % 2 ? 0.001 : -0.001))), bar(16, 100, 100), bar(17, 101, 103), bar(18, 102, 90)];
    const env = new TradingEnvironment({ bars, costs: { fee_rate: fee, slippage_rate: slip }, window: WINDOW, episode_bars: 2 });
    expect(warmupBars(WINDOW)).toBe(16);
    env.reset(() => 0.99);
    const bought = env.step('buy');
    // All the cash, less the fee, buys at 101 plus slippage; marked at 103.
    expect(bought.reward).toBeCloseTo(100 * Math.log(((1 - fee) * 103) / (101 * (1 + slip))), 10);
    expect(bought.done).toBe(false);
    expect([...bought.observation.subarray(WINDOW + 1)]).toEqual([1, 0]);
    const sold = env.step('sell');
    expect(sold.reward).toBeCloseTo(100 * Math.log((102 * (1 - slip) * (1 - fee)) / 103), 10);
    expect(sold.done).toBe(true);
    expect([...sold.observation.subarray(WINDOW + 1)]).toEqual([0, 1]);
    expect(() => env.step('hold')).toThrow(/reset/);
  });

  it('holds on while flat or long: no fill, the reward is the market move of what is held', () => {
    const bars = randomWalkBars(60, 0.01, 3);
    const env = new TradingEnvironment({ bars, costs: { fee_rate: 0.001, slippage_rate: 0 }, window: WINDOW, episode_bars: 5, start: 40 });
    env.reset(() => 0);
    expect(env.step('sell').reward).toBe(0);
    expect(env.step('hold').reward).toBe(0);
    env.step(0);
    // Long: a hold earns the close-to-close move.
    expect(env.step('hold').reward).toBeCloseTo(100 * Math.log(bars[44]!.close / bars[43]!.close), 10);
  });

  it('observes only bars that have closed: later bars change nothing it saw before them', () => {
    const bars = randomWalkBars(80, 0.01, 5);
    const changed = bars.map((b, i) => (i > 40 ? { ...b, close: b.close * 1.5, open: b.open * 1.5 } : b));
    const run = (series: PriceBar[]) => {
      const env = new TradingEnvironment({ bars: series, costs: { fee_rate: 0.001, slippage_rate: 0.0005 }, window: 4, episode_bars: 30, start: 20, end: 80 });
      const random = seededRandom(1);
      const observations = [env.reset(() => 0)];
      for (let t = 0; t < 20; t++) observations.push(env.step(Math.floor(random() * 3)).observation);
      return observations;
    };
    // The episode decides on bars 20 … 49: its observations on bars up to 40 are the same.
    expect(run(changed).slice(0, 21)).toEqual(run(bars).slice(0, 21));
    const observer = new Observer(4);
    for (let t = 20 - warmupBars(4); t <= 40; t++) observer.push(bars[t]!);
    expect(run(bars)[20]!.subarray(0, 5)).toEqual(observer.observe(0)!.subarray(0, 5));
  });

  it('starts episodes at random bars of the period, after a warm-up that fits before', () => {
    const bars = randomWalkBars(200, 0.01, 7);
    const env = new TradingEnvironment({ bars, costs: { fee_rate: 0, slippage_rate: 0 }, window: 4, episode_bars: 10, start: 100, end: 150 });
    const starts = new Set<string>();
    const random = seededRandom(2);
    for (let i = 0; i < 50; i++) starts.add(env.reset(random).join());
    expect(starts.size).toBeGreaterThan(20);
    expect(() => new TradingEnvironment({ bars, costs: { fee_rate: 0, slippage_rate: 0 }, window: 4, episode_bars: 10, start: 0, end: 25 })).toThrow(/does not fit/);
  });
});
