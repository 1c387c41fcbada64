// Trading research speed: the backtest engine over a million bars (the SMA crossover, beside buy-and-hold,
// whose strategy does nothing, as the engine's own cost), and PPO training steps per second with the
// issue's defaults. Run alone: `node bench/trading.ts`.
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { rlTrainOptionsSchema } from '../shared/contracts/pipeline.ts';
import { seededRandom } from '../shared/ml/random.ts';
import type { PriceBar } from '../shared/trading/execution.ts';
import { performanceOf } from '../shared/trading/performance.ts';
import { simulate } from '../shared/trading/simulate.ts';
import { buyAndHold, smaCrossover } from '../shared/trading/strategies.ts';

const MINUTE = 60_000;
const costs = { fee_rate: 0.001, slippage_rate: 0.0005 };

/** A seeded geometric random walk of 1m bars, 0.1 % a bar. */
export function randomBars(count: number, seed = 1): PriceBar[] {
  const random = seededRandom(seed);
  const bars: PriceBar[] = new Array(count);
  let price = 100;
  for (let i = 0; i < count; i++) {
    const open = price;
    // Box-Muller from two uniforms.
    const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    price = open * Math.exp(0.001 * z);
    bars[i] = { open_time: i * MINUTE, open, high: Math.max(open, price), low: Math.min(open, price), close: price, volume: 1 };
  }
  return bars;
}

export interface BacktestSpeed {
  readonly bars: number;
  readonly smaBarsPerSecond: number;
  readonly holdBarsPerSecond: number;
  readonly smaTrades: number;
}

/** Best of three runs each, the metrics included: the backtester does both for every fold. */
export function benchBacktest(count = 1_000_000): BacktestSpeed {
  const bars = randomBars(count);
  const time = (make: () => ReturnType<typeof smaCrossover>) => {
    let best = Number.POSITIVE_INFINITY;
    let trades = 0;
    for (let run = 0; run < 3; run++) {
      const started = performance.now();
      const result = simulate(bars, make(), { costs, initialCash: 10_000, intervalMs: MINUTE });
      trades = performanceOf(result, 525_600).trades;
      best = Math.min(best, performance.now() - started);
    }
    return { barsPerSecond: count / (best / 1000), trades };
  };
  const sma = time(() => smaCrossover({ fast: 12, slow: 48 }));
  const hold = time(buyAndHold);
  return { bars: count, smaBarsPerSecond: sma.barsPerSecond, holdBarsPerSecond: hold.barsPerSecond, smaTrades: sma.trades };
}

export interface PpoSpeed {
  readonly environments: number;
  readonly steps: number;
  readonly stepsPerSecond: number;
  readonly updateStepsPerSecond: number[];
}

/** The issue's defaults (rollouts of 2,048, 10 epochs of minibatches of 64, 2 × 64 tanh) on four symbols' bars. */
export async function benchPpo(updates = 4): Promise<PpoSpeed> {
  const [{ TradingEnvironment }, { trainPpo }] = await Promise.all([import('../functions/rl-agent/environment.ts'), import('../functions/rl-agent/ppo.ts')]);
  const options = rlTrainOptionsSchema.parse({});
  const environments = [1, 2, 3, 4].map((seed) => new TradingEnvironment({ bars: randomBars(4000, seed), costs, window: options.window, episode_bars: options.episode_bars }));
  const started = performance.now();
  const trained = await trainPpo(environments, { ...options, steps_per_fold: updates * options.rollout_steps });
  const seconds = (performance.now() - started) / 1000;
  trained.actor.dispose();
  trained.critic.dispose();
  return { environments: environments.length, steps: trained.steps, stepsPerSecond: trained.steps / seconds, updateStepsPerSecond: trained.stats.map((s) => s.stepsPerSecond) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const backtest = benchBacktest();
  console.log(
    `backtest over ${backtest.bars.toLocaleString('en-US')} bars: SMA crossover ${Math.round(backtest.smaBarsPerSecond).toLocaleString('en-US')} bars/s (${backtest.smaTrades} fills), buy-and-hold ${Math.round(backtest.holdBarsPerSecond).toLocaleString('en-US')} bars/s`,
  );
  const ppo = await benchPpo();
  console.log(
    `PPO: ${ppo.steps} steps on ${ppo.environments} environments at ${Math.round(ppo.stepsPerSecond)} steps/s (per update: ${ppo.updateStepsPerSecond.map((s) => Math.round(s)).join(', ')})`,
  );
}
