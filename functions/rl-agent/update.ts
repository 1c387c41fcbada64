// One PPO update on one rollout: `epochs` passes over it in seeded shuffled minibatches, each an Adam step
// on the joint loss of actor and critic with the gradients clipped to a global norm. Advantages are
// normalized per minibatch, to zero mean and unit spread, so the step size does not depend on the scale
// of the rewards.
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs';
import type { RlTrainOptions } from '../../shared/contracts/pipeline.ts';
import { deriveSeed, seededShuffle } from '../../shared/ml/random.ts';
import type { Advantages } from './gae.ts';
import { clipByGlobalNorm, ppoLosses } from './losses.ts';
import type { Rollout } from './rollout.ts';

export type UpdateOptions = Pick<RlTrainOptions, 'epochs' | 'minibatch' | 'clip' | 'value_coef' | 'entropy_coef' | 'max_grad_norm' | 'seed'>;

/** Means over every minibatch of the update. */
export interface UpdateLosses {
  readonly policyLoss: number;
  readonly valueLoss: number;
  readonly entropy: number;
  readonly approxKl: number;
  readonly clipFraction: number;
  /** Before clipping. */
  readonly gradientNorm: number;
}

const SHUFFLE_SEED = 3;
const NORMALIZE_EPSILON = 1e-8;

export async function ppoUpdate(
  actor: tf.LayersModel,
  critic: tf.LayersModel,
  optimizer: tf.Optimizer,
  rollout: Rollout,
  targets: Advantages,
  options: UpdateOptions & { readonly update: number; readonly signal?: AbortSignal },
): Promise<UpdateLosses> {
  const variables = [...actor.trainableWeights, ...critic.trainableWeights].map((w) => w.read() as tf.Variable);
  const rows = rollout.steps * rollout.envs;
  const sums = new Float64Array(6);
  let minibatches = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    // Yield so that an abort (a timer, a shutdown) is seen between epochs.
    await nextTurn();
    options.signal?.throwIfAborted();
    const order = seededShuffle(
      Array.from({ length: rows }, (_, i) => i),
      deriveSeed(options.seed, SHUFFLE_SEED, options.update, epoch),
    );
    for (let from = 0; from < rows; from += options.minibatch) {
      const indices = order.slice(from, from + options.minibatch);
      const measured = tf.tidy(() => {
        const batch = minibatchTensors(rollout, targets, indices);
        let losses: tf.Tensor1D | undefined;
        const { grads } = tf.variableGrads(() => {
          const parts = ppoLosses(actor, critic, batch, options);
          losses = tf.keep(tf.stack([parts.policy, parts.value, parts.entropy, parts.approxKl, parts.clipFraction]) as tf.Tensor1D);
          return parts.total;
        }, variables);
        const { clipped, norm } = clipByGlobalNorm(grads, options.max_grad_norm);
        optimizer.applyGradients(clipped);
        const measures = tf.concat([losses!, norm.reshape([1])]);
        // Kept past the gradient's own scope, so no tidy disposes it.
        losses!.dispose();
        return measures;
      });
      const values = measured.dataSync();
      tf.dispose(measured);
      for (let k = 0; k < sums.length; k++) sums[k]! += values[k]!;
      minibatches++;
    }
  }
  const mean = (k: number) => sums[k]! / minibatches;
  return { policyLoss: mean(0), valueLoss: mean(1), entropy: mean(2), approxKl: mean(3), clipFraction: mean(4), gradientNorm: mean(5) };
}

function minibatchTensors(rollout: Rollout, targets: Advantages, indices: readonly number[]) {
  const size = rollout.observationSize;
  const n = indices.length;
  const observations = new Float32Array(n * size);
  const actions = new Int32Array(n);
  const oldLogProbabilities = new Float32Array(n);
  const advantages = new Float32Array(n);
  const returns = new Float32Array(n);
  indices.forEach((row, i) => {
    observations.set(rollout.observations.subarray(row * size, (row + 1) * size), i * size);
    actions[i] = rollout.actions[row]!;
    oldLogProbabilities[i] = rollout.logProbabilities[row]!;
    advantages[i] = targets.advantages[row]!;
    returns[i] = targets.returns[row]!;
  });
  normalize(advantages);
  return {
    observations: tf.tensor2d(observations, [n, size]),
    actions: tf.tensor1d(actions, 'int32'),
    oldLogProbabilities: tf.tensor1d(oldLogProbabilities),
    advantages: tf.tensor1d(advantages),
    returns: tf.tensor1d(returns),
  };
}

/** In place, to zero mean and unit standard deviation; a single value becomes 0. */
function normalize(values: Float32Array): void {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2 / values.length;
  const spread = Math.sqrt(variance) + NORMALIZE_EPSILON;
  for (let i = 0; i < values.length; i++) values[i] = (values[i]! - mean) / spread;
}
