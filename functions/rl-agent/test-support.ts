// Price series made up for the tests: one with a pattern an agent can learn (a triangle wave in log
// price) and one with nothing to learn (a Gaussian random walk). Each bar opens at the last close, as a
// continuously traded market does, so a fill at the next open pays only the costs, never a gap. And the
// learning tests' common run: train on the early bars, trade the later ones.
import type { RlTrainOptions } from '../../shared/contracts/pipeline.ts';
import { seededRandom } from '../../shared/ml/random.ts';
import type { Costs, PriceBar } from '../../shared/trading/execution.ts';
import { type Simulation, simulate } from '../../shared/trading/simulate.ts';
import { TradingEnvironment } from './environment.ts';
import { PpoPolicy } from '../../shared/trading/ppo/policy.ts';
import { trainPpo } from './ppo.ts';

export const FIVE_MINUTES = 300_000;
/** 5m bars in a year: crypto trades all year. */
export const BARS_PER_YEAR = 105_120;

/** Bars from per-bar log returns, starting at 100. */
export function barsFromLogReturns(logReturns: readonly number[]): PriceBar[] {
  let close = 100;
  return logReturns.map((r, i) => {
    const open = close;
    close = open * Math.exp(r);
    return { open_time: i * FIVE_MINUTES, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 };
  });
}

function normals(seed: number): () => number {
  const random = seededRandom(seed);
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export interface TriangleWave {
  readonly bars: number;
  /** Bars of one rise and one fall. */
  readonly period: number;
  /** Log move of each half-period, e.g. 0.03. */
  readonly halfMove: number;
  /** Standard deviation of the noise on each bar's return, as a share of the per-bar step. */
  readonly noise: number;
  readonly seed: number;
}

/** Rises by halfMove over half a period, falls by as much over the other half, with seeded noise and a seeded phase. */
export function triangleWaveBars(spec: TriangleWave): PriceBar[] {
  const step = spec.halfMove / (spec.period / 2);
  const normal = normals(spec.seed);
  const phase = Math.floor(seededRandom(spec.seed ^ 0x5bd1e995)() * spec.period);
  return barsFromLogReturns(
    Array.from({ length: spec.bars }, (_, i) => {
      const rising = (i + phase) % spec.period < spec.period / 2;
      return (rising ? step : -step) + normal() * spec.noise * step;
    }),
  );
}

/** Independent Gaussian log returns with zero drift. */
export function randomWalkBars(bars: number, sigma: number, seed: number): PriceBar[] {
  const normal = normals(seed);
  return barsFromLogReturns(Array.from({ length: bars }, () => normal() * sigma));
}

/** What the learning tests train with: the defaults but shorter, as noted in each test. */
export const QUICK_TRAINING = { rollout_steps: 1024, minibatch: 256, epochs: 4, learning_rate: 0.001, steps_per_fold: 20_480 } as const;

export interface HeldOut {
  readonly agent: Simulation;
  readonly buyAndHold: Simulation;
}

/**
 * Trains one policy on the first `trainBars` bars of every series (an environment each), then trades
 * the rest of each series with it and with buy-and-hold, after the same costs.
 */
export async function trainThenTrade(series: readonly PriceBar[][], trainBars: number, costs: Costs, options: RlTrainOptions): Promise<HeldOut[]> {
  const environments = series.map((bars) => new TradingEnvironment({ bars, costs, window: options.window, episode_bars: options.episode_bars, end: trainBars }));
  const { actor, critic } = await trainPpo(environments, options);
  try {
    const period = { costs, initialCash: 1, start: trainBars };
    return series.map((bars) => ({ agent: simulate(bars, new PpoPolicy(actor, options.window), period), buyAndHold: simulate(bars, { decide: () => 'buy' }, period) }));
  } finally {
    actor.dispose();
    critic.dispose();
  }
}
