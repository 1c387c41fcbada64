// A two-layer graph convolutional network over one window's symbol graph, H' = relu(Â H W), then a
// logistic output per node. It is built from built-in layers only, so tf.loadLayersModel reads it back
// without any custom class being registered; dropout lives in the training loop, not in the model.
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../../shared/ml/random.ts';

/** D^-½ (A + I) D^-½ with D the degrees of A + I: self-loops keep each node's own features in its update. */
export function normalizedAdjacency(weights: readonly (readonly number[])[]): number[][];
/** The same on a row-major nodes × nodes matrix. */
export function normalizedAdjacency(weights: Float32Array, nodes: number): Float32Array;
export function normalizedAdjacency(weights: readonly (readonly number[])[] | Float32Array, nodes?: number): number[][] | Float32Array {
  if (weights instanceof Float32Array) return Float32Array.from(normalize(weights, nodes ?? Math.round(Math.sqrt(weights.length))));
  const n = weights.length;
  if (weights.some((row) => row.length !== n)) throw new RangeError(`an adjacency matrix must be square: ${n} rows of ${weights.map((r) => r.length).join(', ')}`);
  const flat = normalize(weights.flat(), n);
  return Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * n, (i + 1) * n)));
}

function normalize(weights: ArrayLike<number>, n: number): Float64Array {
  if (weights.length !== n * n) throw new RangeError(`an adjacency matrix of ${n} nodes has ${n * n} entries, not ${weights.length}`);
  const degree = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    degree[i] = 1;
    for (let j = 0; j < n; j++) {
      const w = weights[i * n + j]!;
      if (w < 0) throw new RangeError(`adjacency weights must not be negative: ${w} at (${i}, ${j})`);
      degree[i]! += w;
    }
  }
  const scale = degree.map((d) => 1 / Math.sqrt(d));
  const normalized = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) normalized[i * n + j] = (weights[i * n + j]! + (i === j ? 1 : 0)) * scale[i]! * scale[j]!;
  }
  return normalized;
}

export interface GcnShape {
  readonly nodes: number;
  readonly features: number;
  readonly hidden: number;
  /** Seeds every initializer. */
  readonly seed: number;
}

export const ADJACENCY_INPUT = 'adjacency';
export const FEATURES_INPUT = 'features';
const PROPAGATE = ['propagate_1', 'propagate_2'] as const;
const CONVOLVE = ['gcn_1', 'gcn_2'] as const;
const LOGIT = 'logit';
const PER_NODE = 'per_node';

/** The layers the forward pass runs, found by name in a model buildGcn made. */
export interface GcnLayers {
  readonly propagate: readonly tf.layers.Layer[];
  readonly convolve: readonly tf.layers.Layer[];
  readonly logit: tf.layers.Layer;
  readonly perNode: tf.layers.Layer;
}

/** Inputs `adjacency` [n, n] (already normalized) and `features` [n, F]; output the probability of an up move per node [n]. */
export function buildGcn(shape: GcnShape): tf.LayersModel {
  const adjacency = tf.input({ name: ADJACENCY_INPUT, shape: [shape.nodes, shape.nodes] });
  const features = tf.input({ name: FEATURES_INPUT, shape: [shape.nodes, shape.features] });
  const dense = (name: string, units: number, activation: 'relu' | 'linear', i: number) =>
    tf.layers.dense({ name, units, activation, kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(shape.seed, i) }), biasInitializer: 'zeros' });
  const layers: GcnLayers = {
    // Â·H batched: contract Â's last axis with H's node axis.
    propagate: PROPAGATE.map((name) => tf.layers.dot({ name, axes: [2, 1] })),
    convolve: CONVOLVE.map((name, i) => dense(name, shape.hidden, 'relu', i)),
    logit: dense(LOGIT, 1, 'linear', CONVOLVE.length),
    perNode: tf.layers.flatten({ name: PER_NODE }),
  };
  const logits = gcnLogits(layers, adjacency, features);
  const probability = tf.layers.activation({ name: 'probability', activation: 'sigmoid' }).apply(logits) as tf.SymbolicTensor;
  return tf.model({ name: 'gcn', inputs: [adjacency, features], outputs: probability });
}

export function gcnLayers(model: tf.LayersModel): GcnLayers {
  return {
    propagate: PROPAGATE.map((name) => model.getLayer(name)),
    convolve: CONVOLVE.map((name) => model.getLayer(name)),
    logit: model.getLayer(LOGIT),
    perNode: model.getLayer(PER_NODE),
  };
}

/**
 * The forward pass up to the logits [batch, n]: symbolic when the model is built, eager while training,
 * where `dropout` is applied to each convolution's output.
 */
export function gcnLogits<T extends tf.Tensor | tf.SymbolicTensor>(layers: GcnLayers, adjacency: T, features: T, dropout: (hidden: T, layer: number) => T = (h) => h): T {
  let hidden = features;
  layers.convolve.forEach((convolve, i) => {
    const pair = [adjacency, hidden] as tf.Tensor[] | tf.SymbolicTensor[];
    hidden = dropout(convolve.apply(layers.propagate[i]!.apply(pair)) as T, i);
  });
  return layers.perNode.apply(layers.logit.apply(hidden)) as T;
}
