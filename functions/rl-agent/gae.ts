// Generalized advantage estimation, GAE(λ), over a rollout laid out time-major (step t of environment e
// at t·envs + e): how much better each action turned out than the critic expected, trading the bias of a
// one-step estimate against the variance of a whole-episode one through λ.
export interface RolloutValues {
  readonly envs: number;
  readonly rewards: Float32Array;
  readonly values: Float32Array;
  /** 1 where the step ended its episode: nothing after it belongs to the same episode. */
  readonly dones: Uint8Array;
  /** The critic's value of each environment's state after the rollout's last step, to bootstrap from. */
  readonly lastValues: Float32Array;
}

export interface Advantages {
  readonly advantages: Float32Array;
  /** Advantage plus value: the critic's regression target. */
  readonly returns: Float32Array;
}

/**
 * An episode's end counts as terminal, its next value zero: an episode is a fixed trading horizon, and
 * the agent is scored on what it makes within it. A rollout cut mid-episode bootstraps from lastValues.
 */
export function generalizedAdvantages(rollout: RolloutValues, gamma: number, lambda: number): Advantages {
  const { envs, rewards, values, dones, lastValues } = rollout;
  const steps = rewards.length / envs;
  if (!Number.isInteger(steps) || values.length !== rewards.length || dones.length !== rewards.length || lastValues.length !== envs) {
    throw new RangeError(`a rollout of ${envs} environments needs rewards, values and dones of one length divisible by ${envs} and ${envs} last values`);
  }
  const advantages = new Float32Array(rewards.length);
  const returns = new Float32Array(rewards.length);
  for (let e = 0; e < envs; e++) {
    let running = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const i = t * envs + e;
      const continues = dones[i] ? 0 : 1;
      const nextValue = t === steps - 1 ? lastValues[e]! : values[i + envs]!;
      const delta = rewards[i]! + gamma * nextValue * continues - values[i]!;
      running = delta + gamma * lambda * continues * running;
      advantages[i] = running;
      returns[i] = running + values[i]!;
    }
  }
  return { advantages, returns };
}
