// The trained actor as a strategy: its plain-JS forward pass gives tfjs's probabilities, it acts on the
// most probable action with that probability as its confidence, and it holds until its window is full.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../shared/ml/random.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';
import { ACTIONS } from '../../shared/trading/execution.ts';
import { simulate } from '../../shared/trading/simulate.ts';
import { buildActor } from './networks.ts';
import { Observer, observationSize } from '../../shared/trading/ppo/observation.ts';
import { PpoPolicy } from '../../shared/trading/ppo/policy.ts';
import { randomWalkBars } from './test-support.ts';

const WINDOW = 8;
let actor: tf.Sequential;

beforeAll(async () => {
  await useCpuBackend();
  actor = buildActor({ observationSize: observationSize(WINDOW), hidden: 16, seed: 9 });
  // Weights far from the near-uniform start, so that the probabilities differ widely between observations.
  const random = seededRandom(4);
  actor.setWeights(
    actor.getWeights().map((w) =>
      tf.tensor(
        Float32Array.from({ length: w.size }, () => (random() - 0.5) * 3),
        w.shape,
      ),
    ),
  );
});
afterAll(() => actor.dispose());

describe('PpoPolicy', () => {
  it('computes the probabilities actor.predict gives, to 1e-5', () => {
    const policy = new PpoPolicy(actor, WINDOW);
    const random = seededRandom(5);
    const observations = Array.from({ length: 50 }, () => Float32Array.from({ length: observationSize(WINDOW) }, () => (random() - 0.5) * 4));
    const expected = tf.tidy(() => (actor.predict(tf.tensor2d(observations.map((o) => [...o]))) as tf.Tensor2D).arraySync());
    let spread = 0;
    observations.forEach((observation, i) => {
      const probabilities = policy.probabilities(observation);
      for (const [k, p] of probabilities.entries()) expect(Math.abs(p - expected[i]![k]!)).toBeLessThan(1e-5);
      spread = Math.max(spread, ...probabilities);
    });
    expect(spread).toBeGreaterThan(0.9);
  });

  it('holds until its window is full, then takes the most probable action with its probability as confidence', () => {
    const bars = randomWalkBars(40, 0.01, 2);
    const policy = new PpoPolicy(actor, WINDOW);
    const observer = new Observer(WINDOW);
    bars.forEach((bar, t) => {
      const long = t % 3 === 0;
      const action = policy.decide(bar, { long });
      observer.push(bar);
      const observation = observer.observe(long ? 1 : 0);
      if (observation === null) {
        expect(action).toBe('hold');
        expect(policy.lastConfidence).toBeUndefined();
        return;
      }
      const probabilities = tf.tidy(() => (actor.predict(tf.tensor2d([[...observation]])) as tf.Tensor2D).dataSync());
      const best = probabilities.indexOf(Math.max(...probabilities));
      expect(action).toBe(ACTIONS[best]);
      expect(policy.lastConfidence).toBeCloseTo(probabilities[best]!, 5);
    });
  });

  it('trades through simulate, and refuses an actor built for another window', () => {
    const run = simulate(randomWalkBars(300, 0.01, 3), new PpoPolicy(actor, WINDOW), { costs: { fee_rate: 0.001, slippage_rate: 0.0005 }, initialCash: 100 });
    expect(run.fills.length).toBeGreaterThan(0);
    expect(() => new PpoPolicy(actor, WINDOW + 1)).toThrow(/takes 11 features/);
  });
});
