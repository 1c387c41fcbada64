// The PPO agent's two networks, separate so the value loss cannot pull the policy's features around:
// the actor maps an observation to the probabilities of buy, sell, hold (in ACTIONS order), the critic to
// the value of the state. Both are plain Sequential dense stacks with seeded initializers, so the actor
// saves as a standard tfjs model that tf.loadLayersModel reads back without custom classes.
import * as tf from '@tensorflow/tfjs';
import { ACTIONS } from '../../shared/trading/execution.ts';
import { deriveSeed } from '../../shared/ml/random.ts';

export interface NetworkShape {
  readonly observationSize: number;
  readonly hidden: number;
  readonly seed: number;
}

// Purposes of derived seeds, one per network; the layer's index follows.
const ACTOR_SEED = 1;
const CRITIC_SEED = 2;
/**
 * The policy's last layer starts 100× smaller than Glorot: its first logits are near zero, so the policy
 * starts close to uniform and explores, the usual PPO convention (an orthogonal init with gain 0.01).
 */
const POLICY_HEAD_SCALE = 0.01;

function denseStack(name: string, shape: NetworkShape, seedPurpose: number, outputs: number, headScale: number): tf.Sequential {
  const seed = (layer: number) => deriveSeed(shape.seed, seedPurpose, layer);
  const hiddenLayer = (layer: number) =>
    tf.layers.dense({
      name: `${name}_hidden_${layer + 1}`,
      units: shape.hidden,
      activation: 'tanh',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed(layer) }),
      biasInitializer: 'zeros',
      ...(layer === 0 ? { inputShape: [shape.observationSize] } : {}),
    });
  const head = tf.layers.dense({
    name: `${name}_output`,
    units: outputs,
    activation: 'linear',
    // Glorot uniform is variance scaling 1 over the mean fan; the square scales the weights by headScale.
    kernelInitializer: tf.initializers.varianceScaling({ scale: headScale ** 2, mode: 'fanAvg', distribution: 'uniform', seed: seed(2) }),
    biasInitializer: 'zeros',
  });
  return tf.sequential({ name, layers: [hiddenLayer(0), hiddenLayer(1), head] });
}

/** Observation → probabilities of ACTIONS; the logits are the output of every layer but the last. */
export function buildActor(shape: NetworkShape): tf.Sequential {
  const actor = denseStack('actor', shape, ACTOR_SEED, ACTIONS.length, POLICY_HEAD_SCALE);
  actor.add(tf.layers.activation({ name: 'actor_probabilities', activation: 'softmax' }));
  return actor;
}

/** Observation → the value of the state, [batch, 1]. */
export function buildCritic(shape: NetworkShape): tf.Sequential {
  return denseStack('critic', shape, CRITIC_SEED, 1, 1);
}

/** The actor's logits for a batch [batch, ACTIONS]: what the loss works on, for numerically stable log-probabilities. */
export function actorLogits(actor: tf.LayersModel, observations: tf.Tensor2D): tf.Tensor2D {
  let x: tf.Tensor = observations;
  for (const layer of actor.layers.slice(0, -1)) x = layer.apply(x) as tf.Tensor;
  return x as tf.Tensor2D;
}

/** The critic's values for a batch, [batch]. */
export function criticValues(critic: tf.LayersModel, observations: tf.Tensor2D): tf.Tensor1D {
  let x: tf.Tensor = observations;
  for (const layer of critic.layers) x = layer.apply(x) as tf.Tensor;
  return x.reshape([-1]) as tf.Tensor1D;
}
