// Samples as tensors: the normalized adjacency and the scaled features are computed once per sample,
// then stacked into batches; and the cross-entropy in which masked nodes count for nothing.
import * as tf from '@tensorflow/tfjs';
import { normalizedAdjacency } from './gcn.ts';
import { FEATURE_COUNT, type GraphSample } from './samples.ts';
import { type FeatureScaler, scaledFeatures } from './scaler.ts';

/** A sample as the network sees it. */
export interface ModelInput {
  readonly nodes: number;
  readonly adjacency: Float32Array;
  readonly features: Float32Array;
  readonly labels: Uint8Array;
  readonly mask: Uint8Array;
}

export interface Batch {
  readonly adjacency: tf.Tensor3D;
  readonly features: tf.Tensor3D;
  readonly labels: tf.Tensor2D;
  readonly mask: tf.Tensor2D;
}

export function modelInputs(samples: readonly GraphSample[], scaler: FeatureScaler): ModelInput[] {
  return samples.map((sample) => ({
    nodes: sample.nodes,
    adjacency: normalizedAdjacency(sample.adjacency, sample.nodes),
    features: scaledFeatures(sample, scaler),
    labels: sample.labels,
    mask: sample.mask,
  }));
}

/** The inputs at `indices` stacked on a leading batch axis; the caller disposes the tensors (or runs this in tf.tidy). */
export function toBatch(inputs: readonly ModelInput[], indices: readonly number[]): Batch {
  const nodes = inputs[indices[0]!]!.nodes;
  const size = indices.length;
  const adjacency = new Float32Array(size * nodes * nodes);
  const features = new Float32Array(size * nodes * FEATURE_COUNT);
  const labels = new Float32Array(size * nodes);
  const mask = new Float32Array(size * nodes);
  indices.forEach((index, b) => {
    const input = inputs[index]!;
    if (input.nodes !== nodes) throw new RangeError(`a batch mixes graphs of ${nodes} and ${input.nodes} nodes`);
    adjacency.set(input.adjacency, b * nodes * nodes);
    features.set(input.features, b * nodes * FEATURE_COUNT);
    labels.set(input.labels, b * nodes);
    mask.set(input.mask, b * nodes);
  });
  return {
    adjacency: tf.tensor3d(adjacency, [size, nodes, nodes]),
    features: tf.tensor3d(features, [size, nodes, FEATURE_COUNT]),
    labels: tf.tensor2d(labels, [size, nodes]),
    mask: tf.tensor2d(mask, [size, nodes]),
  };
}

export const indicesOf = (items: readonly unknown[]) => items.map((_, i) => i);

/** Index ranges of at most `size` consecutive entries of `order`. */
export function chunks(order: readonly number[], size: number): number[][] {
  const parts: number[][] = [];
  for (let start = 0; start < order.length; start += size) parts.push(order.slice(start, start + size));
  return parts;
}

/** Summed binary cross-entropy of the masked nodes, from logits (the stable form, no log of 0). */
export function maskedCrossEntropySum(logits: tf.Tensor, labels: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const perNode = tf
      .relu(logits)
      .sub(logits.mul(labels))
      .add(tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return perNode.mul(mask).sum();
  });
}

/** Nodes that count in a batch's loss. */
export const maskedNodes = (inputs: readonly ModelInput[], indices: readonly number[]) => indices.reduce((count, i) => count + inputs[i]!.mask.reduce((sum, m) => sum + m, 0), 0);
