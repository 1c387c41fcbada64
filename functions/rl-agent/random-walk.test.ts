// The agent must not find an edge that is not there: trained the same way as on the triangle wave, but
// on Gaussian random walks (independent 0.2 % returns, no drift), its Sharpe ratio on the held-out bars
// must stay below what a strategy without any edge reaches by luck only once in a hundred runs. A
// policy that saw the future, through a leak in the observation or the order of fills, would be far
// above it. Training is the shortened one of learning.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpe } from '../../shared/analytics/metrics.ts';
import { rlTrainOptionsSchema } from '../../shared/contracts/pipeline.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';
import { BARS_PER_YEAR, type HeldOut, QUICK_TRAINING, randomWalkBars, trainThenTrade } from './test-support.ts';

const TRAIN_BARS = 2000;
const TEST_BARS = 1000;
const costs = { fee_rate: 0.001, slippage_rate: 0.0005 };
let runs: HeldOut[];

beforeAll(async () => {
  await useCpuBackend();
  const series = [1, 2, 3, 4].map((seed) => randomWalkBars(TRAIN_BARS + TEST_BARS, 0.002, seed));
  runs = await trainThenTrade(series, TRAIN_BARS, costs, rlTrainOptionsSchema.parse({ ...QUICK_TRAINING, seed: 7 }));
});

describe('PPO on a random walk', () => {
  it('shows no edge on held-out bars: its Sharpe stays below the 99 % bound of a zero-edge strategy', () => {
    const returns = runs.flatMap(({ agent }) => Array.from(agent.returns));
    // Without an edge, the Sharpe ratio estimated from n independent per-bar returns has mean 0 and a
    // standard error of about 1/√n per bar, √(periodsPerYear / n) annualized (Lo, 2002, for small
    // ratios). 2.576 standard errors is the 99 % two-sided bound: a strategy without an edge lands above
    // it by chance in 0.5 % of runs.
    const bound = 2.576 * Math.sqrt(BARS_PER_YEAR / returns.length);
    expect(returns).toHaveLength(4 * TEST_BARS);
    expect(sharpe(returns, BARS_PER_YEAR)).toBeLessThan(bound);
  });

  it('learns that trading noise only pays the costs: it loses little, where churning would lose several percent', () => {
    // Observed: it stays flat on every held-out bar. Each round trip costs about 0.3 %.
    for (const { agent } of runs) expect(agent.finalEquity).toBeGreaterThan(0.97);
  });
});
