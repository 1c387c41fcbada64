// The PPO loop itself, on short runs: the same seed trains bit-identical weights and another seed other
// ones, tensors do not pile up across updates, an abort stops it without leaks, and a warm start begins
// from the given weights without changing them.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rlTrainOptionsSchema } from '../../shared/contracts/pipeline.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';
import { TradingEnvironment } from './environment.ts';
import { type PpoStats, trainPpo } from './ppo.ts';
import { randomWalkBars } from './test-support.ts';

beforeAll(useCpuBackend);

const options = (overrides: Record<string, number> = {}) =>
  rlTrainOptionsSchema.parse({ window: 8, hidden: 16, rollout_steps: 256, minibatch: 64, epochs: 2, steps_per_fold: 768, episode_bars: 64, ...overrides });
const environments = (window = 8) =>
  [1, 2].map((seed) => new TradingEnvironment({ bars: randomWalkBars(600, 0.002, seed), costs: { fee_rate: 0.001, slippage_rate: 0.0005 }, window, episode_bars: 64 }));
const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => [...w.dataSync()]);

async function trained(overrides: Record<string, number> = {}) {
  const result = await trainPpo(environments(), options(overrides));
  const weights = { actor: weightsOf(result.actor), critic: weightsOf(result.critic) };
  result.actor.dispose();
  result.critic.dispose();
  return { ...result, weights };
}

describe('trainPpo', () => {
  it('trains steps_per_fold rounded up to whole rollouts and reports every update', async () => {
    const stats: PpoStats[] = [];
    const result = await trainPpo(environments(), options({ steps_per_fold: 600 }), { onUpdate: (s) => void stats.push(s) });
    expect([result.updates, result.steps]).toEqual([3, 768]);
    expect(stats.map((s) => [s.update, s.steps])).toEqual([
      [1, 256],
      [2, 512],
      [3, 768],
    ]);
    expect(result.stats).toEqual(stats);
    for (const s of stats) {
      expect(s.entropy).toBeGreaterThan(0);
      expect(s.entropy).toBeLessThanOrEqual(Math.log(3) + 1e-6);
      expect(s.approxKl).toBeGreaterThanOrEqual(0);
      expect(s.clipFraction).toBeGreaterThanOrEqual(0);
      expect(s.clipFraction).toBeLessThanOrEqual(1);
      expect(s.stepsPerSecond).toBeGreaterThan(0);
      for (const value of [s.policyLoss, s.valueLoss, s.gradientNorm]) expect(Number.isFinite(value)).toBe(true);
    }
    // 128 steps per environment per rollout, episodes of 64: two end in each environment per rollout.
    expect(stats.map((s) => s.episodes)).toEqual([4, 4, 4]);
    expect(typeof stats[0]!.meanEpisodeReward).toBe('number');
    result.actor.dispose();
    result.critic.dispose();
  });

  it('trains bit-identical weights from the same seed, and other weights from another', async () => {
    const first = await trained();
    const second = await trained();
    expect(second.weights).toEqual(first.weights);
    expect(second.stats.map(({ stepsPerSecond, ...s }) => s)).toEqual(first.stats.map(({ stepsPerSecond, ...s }) => s));
    const other = await trained({ seed: 8 });
    expect(other.weights.actor).not.toEqual(first.weights.actor);
    expect(other.stats[0]!.policyLoss).not.toBe(first.stats[0]!.policyLoss);
  });

  it('keeps the number of tensors flat across updates and leaves only the two networks behind', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const result = await trainPpo(environments(), options({ steps_per_fold: 256 * 4 }), { onUpdate: () => void counts.push(tf.memory().numTensors) });
    // The first update creates Adam's moments; from then on nothing accumulates.
    expect(new Set(counts.slice(1)).size).toBe(1);
    result.actor.dispose();
    result.critic.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects with the abort reason between updates and leaks no tensors', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const reason = new Error('shutting down');
    let updates = 0;
    const training = trainPpo(environments(), options({ steps_per_fold: 256 * 100 }), {
      signal: controller.signal,
      onUpdate: () => {
        if (++updates === 2) controller.abort(reason);
      },
    });
    await expect(training).rejects.toBe(reason);
    expect(updates).toBe(2);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('warm-starts from given networks without changing them, and refuses ones of another shape', async () => {
    const first = await trainPpo(environments(), options({ steps_per_fold: 256 }));
    const given = { actor: weightsOf(first.actor), critic: weightsOf(first.critic) };
    // No update at all would be trained with a learning rate this small: the copy starts where the given one is.
    const warm = await trainPpo(environments(), options({ steps_per_fold: 256, learning_rate: 1e-12, seed: 99 }), { initial: first });
    for (const [i, weights] of weightsOf(warm.actor).entries()) for (const [j, x] of weights.entries()) expect(x).toBeCloseTo(given.actor[i]![j]!, 6);
    expect({ actor: weightsOf(first.actor), critic: weightsOf(first.critic) }).toEqual(given);
    await expect(trainPpo(environments(), options({ hidden: 32 }), { initial: first })).rejects.toThrow(/does not match window 8 and hidden 32/);
    for (const model of [first.actor, first.critic, warm.actor, warm.critic]) model.dispose();
  });
});
