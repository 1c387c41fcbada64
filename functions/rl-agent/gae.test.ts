// GAE(λ) worked by hand on three steps with an episode ending in the middle, and the time-major layout
// of several environments.
import { describe, expect, it } from 'vitest';
import { generalizedAdvantages } from './gae.ts';

const f32 = (values: number[]) => Float32Array.from(values);

describe('generalizedAdvantages', () => {
  // γ = 0.9, λ = 0.8; the episode ends at step 1, step 2 starts the next one and the rollout cuts it.
  const gamma = 0.9;
  const lambda = 0.8;
  const rewards = [1, 2, 3];
  const values = [0.5, 1, 1.5];
  const dones = [0, 1, 0];
  const lastValue = 2;
  // Step 2 bootstraps from the value after the rollout: δ = 3 + 0.9·2 − 1.5 = 3.3, A = 3.3.
  // Step 1 ends its episode, so no value after it and no advantage carried back: δ = 2 − 1 = 1, A = 1.
  // Step 0: δ = 1 + 0.9·1 − 0.5 = 1.4, A = 1.4 + 0.9·0.8·1 = 2.12.
  const advantages = [2.12, 1, 3.3];

  it('works back from the bootstrap value, cut at the end of an episode', () => {
    const result = generalizedAdvantages({ envs: 1, rewards: f32(rewards), values: f32(values), dones: Uint8Array.from(dones), lastValues: f32([lastValue]) }, gamma, lambda);
    for (const [t, a] of advantages.entries()) {
      expect(result.advantages[t]).toBeCloseTo(a, 6);
      expect(result.returns[t]).toBeCloseTo(a + values[t]!, 6);
    }
  });

  it('keeps environments apart in a time-major rollout', () => {
    // Environment 0 is the example above; environment 1 gets reward 0 everywhere, values 0, never done.
    const interleave = (a: number[], b: number[]) => a.flatMap((x, t) => [x, b[t]!]);
    const result = generalizedAdvantages(
      {
        envs: 2,
        rewards: f32(interleave(rewards, [0, 0, 0])),
        values: f32(interleave(values, [0, 0, 0])),
        dones: Uint8Array.from(interleave(dones, [0, 0, 0])),
        lastValues: f32([lastValue, 10]),
      },
      gamma,
      lambda,
    );
    for (const [t, a] of advantages.entries()) expect(result.advantages[2 * t]).toBeCloseTo(a, 6);
    // Environment 1: only the bootstrap, discounted by γ and by γλ for each step back: 9, 6.48, 4.6656.
    for (const [t, a] of [4.6656, 6.48, 9].entries()) expect(result.advantages[2 * t + 1]).toBeCloseTo(a, 5);
  });

  it('refuses arrays that do not make a rollout', () => {
    expect(() => generalizedAdvantages({ envs: 2, rewards: f32([1, 2, 3]), values: f32([1, 2, 3]), dones: new Uint8Array(3), lastValues: f32([0, 0]) }, gamma, lambda)).toThrow(
      /divisible/,
    );
  });
});
