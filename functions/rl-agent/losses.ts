// PPO's objective on one minibatch, and the global gradient-norm clip applied before each Adam step.
// The clipped surrogate keeps each update close to the policy that collected the data; the value loss
// fits the critic to the GAE returns; the entropy bonus keeps the policy from collapsing early.
import * as tf from '@tensorflow/tfjs';
import type { RlTrainOptions } from '../../shared/contracts/pipeline.ts';
import { ACTIONS } from '../../shared/trading/execution.ts';
import { actorLogits, criticValues } from './networks.ts';

export interface Minibatch {
  readonly observations: tf.Tensor2D;
  readonly actions: tf.Tensor1D;
  readonly oldLogProbabilities: tf.Tensor1D;
  /** Already normalized. */
  readonly advantages: tf.Tensor1D;
  readonly returns: tf.Tensor1D;
}

export interface PpoLosses {
  /** What is minimized: policy + value_coef · value − entropy_coef · entropy. */
  readonly total: tf.Scalar;
  readonly policy: tf.Scalar;
  readonly value: tf.Scalar;
  readonly entropy: tf.Scalar;
  /** E[(r − 1) − ln r], an unbiased, never negative estimate of KL(old ‖ new). */
  readonly approxKl: tf.Scalar;
  /** Share of the minibatch whose probability ratio left [1 − clip, 1 + clip]. */
  readonly clipFraction: tf.Scalar;
}

export function ppoLosses(actor: tf.LayersModel, critic: tf.LayersModel, batch: Minibatch, options: Pick<RlTrainOptions, 'clip' | 'value_coef' | 'entropy_coef'>): PpoLosses {
  const logProbabilitiesAll = tf.logSoftmax(actorLogits(actor, batch.observations));
  const taken = tf.oneHot(batch.actions, ACTIONS.length);
  const logProbabilities = tf.sum(tf.mul(logProbabilitiesAll, taken), 1);
  const logRatio = tf.sub(logProbabilities, batch.oldLogProbabilities);
  const ratio = tf.exp(logRatio);
  const unclipped = tf.mul(ratio, batch.advantages);
  const clipped = tf.mul(tf.clipByValue(ratio, 1 - options.clip, 1 + options.clip), batch.advantages);
  const policy = tf.neg(tf.mean(tf.minimum(unclipped, clipped))) as tf.Scalar;
  const value = tf.mean(tf.squaredDifference(criticValues(critic, batch.observations), batch.returns)) as tf.Scalar;
  const entropy = tf.mean(tf.neg(tf.sum(tf.mul(tf.exp(logProbabilitiesAll), logProbabilitiesAll), 1))) as tf.Scalar;
  const total = tf.sub(tf.add(policy, tf.mul(value, options.value_coef)), tf.mul(entropy, options.entropy_coef)) as tf.Scalar;
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
  const clipFraction = tf.mean(tf.cast(tf.greater(tf.abs(tf.sub(ratio, 1)), options.clip), 'float32')) as tf.Scalar;
  return { total, policy, value, entropy, approxKl, clipFraction };
}

/**
 * Scales every gradient by one factor so that their global L2 norm is at most `maxNorm`, keeping the
 * direction of the step; returns the norm before clipping too.
 */
export function clipByGlobalNorm(gradients: tf.NamedTensorMap, maxNorm: number): { clipped: tf.NamedTensorMap; norm: tf.Scalar } {
  return tf.tidy(() => {
    const tensors = Object.values(gradients);
    const norm = tf.sqrt(tf.addN(tensors.map((g) => tf.sum(tf.square(g))))) as tf.Scalar;
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const clipped: tf.NamedTensorMap = {};
    for (const [name, gradient] of Object.entries(gradients)) clipped[name] = tf.mul(gradient, scale);
    return { clipped, norm };
  });
}
