// Collecting experience from several environments side by side, one per symbol series. Each step runs the
// actor and the critic once over all environments' observations as one batch, with the plain-JS forward
// pass (at a handful of rows tfjs would spend its time in per-op overhead), and samples each action from
// the policy's probabilities with a seeded generator, so a seed replays the same rollouts. An environment
// whose episode ends starts the next one at once; episodes carry on across rollouts.
import { ACTIONS } from '../../shared/trading/execution.ts';
import { type DenseForward, logSoftmax } from '../../shared/trading/ppo/forward.ts';
import type { TradingEnvironment } from './environment.ts';

export interface Rollout {
  readonly envs: number;
  readonly steps: number;
  readonly observationSize: number;
  /** Time-major: step t of environment e is row t·envs + e. */
  readonly observations: Float32Array;
  readonly actions: Int32Array;
  /** Log-probability of each action under the policy that took it. */
  readonly logProbabilities: Float32Array;
  readonly values: Float32Array;
  readonly rewards: Float32Array;
  readonly dones: Uint8Array;
  readonly lastValues: Float32Array;
  /** Summed rewards of the episodes that ended during the rollout. */
  readonly episodeRewards: readonly number[];
}

export class RolloutCollector {
  readonly envs: number;
  readonly observationSize: number;
  private readonly environments: readonly TradingEnvironment[];
  private readonly episodeRandoms: readonly (() => number)[];
  private readonly actionRandom: () => number;
  /** Each environment's current observation, row e. */
  private readonly current: Float32Array;
  private readonly episodeSums: Float64Array;

  /** Resets every environment: `episodeRandoms[e]` places environment e's episodes, `actionRandom` samples the actions. */
  constructor(environments: readonly TradingEnvironment[], episodeRandoms: readonly (() => number)[], actionRandom: () => number) {
    if (environments.length === 0) throw new RangeError('a rollout needs at least one environment');
    const size = environments[0]!.observationSize;
    if (environments.some((env) => env.observationSize !== size)) throw new RangeError('every environment must give observations of one size');
    this.environments = environments;
    this.envs = environments.length;
    this.observationSize = size;
    this.episodeRandoms = episodeRandoms;
    this.actionRandom = actionRandom;
    this.current = new Float32Array(this.envs * size);
    this.episodeSums = new Float64Array(this.envs);
    for (const [e, env] of environments.entries()) this.current.set(env.reset(episodeRandoms[e]!), e * size);
  }

  /** Steps every environment `steps` times with the given networks. */
  collect(actor: DenseForward, critic: DenseForward, steps: number): Rollout {
    const { envs, observationSize: size } = this;
    const rows = steps * envs;
    const rollout = {
      envs,
      steps,
      observationSize: size,
      observations: new Float32Array(rows * size),
      actions: new Int32Array(rows),
      logProbabilities: new Float32Array(rows),
      values: new Float32Array(rows),
      rewards: new Float32Array(rows),
      dones: new Uint8Array(rows),
      lastValues: new Float32Array(envs),
      episodeRewards: [] as number[],
    };
    const logProbabilities = new Float64Array(ACTIONS.length);
    for (let t = 0; t < steps; t++) {
      rollout.observations.set(this.current, t * envs * size);
      const logits = actor.run(this.current, envs);
      const values = critic.run(this.current, envs);
      for (let e = 0; e < envs; e++) {
        const row = t * envs + e;
        logSoftmax(logits, e * ACTIONS.length, ACTIONS.length, logProbabilities);
        const action = sample(logProbabilities, this.actionRandom());
        const transition = this.environments[e]!.step(action);
        rollout.actions[row] = action;
        rollout.logProbabilities[row] = logProbabilities[action]!;
        rollout.values[row] = values[e]!;
        rollout.rewards[row] = transition.reward;
        rollout.dones[row] = transition.done ? 1 : 0;
        this.episodeSums[e]! += transition.reward;
        let next = transition.observation;
        if (transition.done) {
          rollout.episodeRewards.push(this.episodeSums[e]!);
          this.episodeSums[e] = 0;
          next = this.environments[e]!.reset(this.episodeRandoms[e]!);
        }
        this.current.set(next, e * size);
      }
    }
    rollout.lastValues.set(critic.run(this.current, envs));
    return rollout;
  }
}

/** The action whose cumulative probability first passes the uniform `u`. */
function sample(logProbabilities: Float64Array, u: number): number {
  let cumulative = 0;
  for (let k = 0; k < logProbabilities.length - 1; k++) {
    cumulative += Math.exp(logProbabilities[k]!);
    if (u < cumulative) return k;
  }
  return logProbabilities.length - 1;
}
