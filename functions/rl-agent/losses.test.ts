// The global gradient-norm clip, and the PPO loss on a batch whose probability ratios are known.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../shared/ml/tf.ts';
import { clipByGlobalNorm, ppoLosses } from './losses.ts';
import { buildActor, buildCritic } from './networks.ts';

beforeAll(useCpuBackend);

const globalNorm = (gradients: tf.NamedTensorMap) => Math.sqrt(Object.values(gradients).reduce((sum, g) => sum + tf.tidy(() => tf.sum(tf.square(g)).dataSync()[0]!), 0));

describe('clipByGlobalNorm', () => {
  it('scales all gradients by one factor down to the maximum norm, keeping their direction', () => {
    // Norm √(3² + 4² + 12²) = 13.
    const gradients = { a: tf.tensor1d([3, 4]), b: tf.tensor2d([[12]]) };
    const { clipped, norm } = clipByGlobalNorm(gradients, 0.5);
    expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
    expect(globalNorm(clipped)).toBeCloseTo(0.5, 5);
    expect([...clipped.a!.dataSync()].map((x) => x / 0.5)).toEqual([3 / 13, 4 / 13].map((x) => expect.closeTo(x, 6)));
    expect(clipped.b!.dataSync()[0]).toBeCloseTo((12 / 13) * 0.5, 6);
    tf.dispose([gradients, clipped, norm]);
  });

  it('leaves gradients already within the norm as they are', () => {
    const gradients = { a: tf.tensor1d([0.1, -0.2]) };
    const { clipped, norm } = clipByGlobalNorm(gradients, 0.5);
    expect([...clipped.a!.dataSync()]).toEqual([...gradients.a.dataSync()]);
    tf.dispose([gradients, clipped, norm]);
  });
});

describe('ppoLosses', () => {
  it('is the negated mean advantage, zero KL and zero clipping when the policy has not moved', () => {
    const shape = { observationSize: 5, hidden: 8, seed: 1 };
    const actor = buildActor(shape);
    const critic = buildCritic(shape);
    tf.tidy(() => {
      const observations = tf.randomNormal([6, 5], 0, 1, 'float32', 3) as tf.Tensor2D;
      const actions = tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32');
      const old = tf.sum(tf.mul(tf.log(actor.predict(observations) as tf.Tensor2D), tf.oneHot(actions, 3)), 1) as tf.Tensor1D;
      const advantages = tf.tensor1d([1, -1, 2, 0.5, -0.5, 3]);
      const returns = tf.zeros([6]) as tf.Tensor1D;
      const losses = ppoLosses(actor, critic, { observations, actions, oldLogProbabilities: old, advantages, returns }, { clip: 0.2, value_coef: 0.5, entropy_coef: 0.01 });
      expect(losses.policy.dataSync()[0]).toBeCloseTo(-5 / 6, 5);
      expect(losses.approxKl.dataSync()[0]).toBeCloseTo(0, 6);
      expect(losses.clipFraction.dataSync()[0]).toBe(0);
      // A fresh policy is close to uniform: entropy near ln 3.
      expect(losses.entropy.dataSync()[0]).toBeCloseTo(Math.log(3), 2);
      const values = Array.from((critic.predict(observations) as tf.Tensor).dataSync());
      expect(losses.value.dataSync()[0]).toBeCloseTo(values.reduce((s, v) => s + v * v, 0) / 6, 5);
    });
    actor.dispose();
    critic.dispose();
  });
});
