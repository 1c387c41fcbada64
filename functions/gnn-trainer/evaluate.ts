// A model's calls on held-out windows against the two guesses any model must beat: the training part's
// majority direction and "the same as last window". Also evaluates a stored champion on this run's windows.
import * as tf from '@tensorflow/tfjs';
import { chunks, indicesOf, modelInputs, toBatch } from './batches.ts';
import type { GcnDataset } from './dataset.ts';
import { ADJACENCY_INPUT } from './gcn.ts';
import { type ClassificationMetrics, classificationMetrics, combine, confusion } from './metrics.ts';
import type { GraphSample } from './samples.ts';
import type { FeatureScaler } from './scaler.ts';

export interface ModelMetrics extends ClassificationMetrics {
  /** Mean binary cross-entropy over the counted nodes. */
  readonly loss: number;
}

export interface Baselines {
  /** Always the direction most training nodes took (up on a tie). */
  readonly majority: ClassificationMetrics & { readonly label: 0 | 1 };
  /** Each node repeats its own direction of the sample's window. */
  readonly lastDirection: ClassificationMetrics;
}

export interface TestReport {
  readonly samples: number;
  readonly model: ModelMetrics;
  readonly baselines: Baselines;
}

const PREDICT_BATCH = 32;
const EPSILON = 1e-7;

/** The model's probability of an up move per node of each sample, scaling features with `scaler`. */
export function predictProbabilities(model: tf.LayersModel, samples: readonly GraphSample[], scaler: FeatureScaler): Float32Array[] {
  const adjacency = model.inputNames.indexOf(ADJACENCY_INPUT);
  const nodes = model.inputs[adjacency]?.shape[1];
  const other = samples.find((sample) => sample.nodes !== nodes);
  if (other !== undefined) throw new RangeError(`the model scores graphs of ${nodes} symbols, not ${other.nodes}: compare the symbols first`);
  return chunks(indicesOf(samples), PREDICT_BATCH).flatMap((indices) => {
    const part = indices.map((i) => samples[i]!);
    const inputs = modelInputs(part, scaler);
    const probabilities = tf.tidy(() => {
      const batch = toBatch(inputs, indicesOf(part));
      const ordered = model.inputNames.map((name) => (name === ADJACENCY_INPUT ? batch.adjacency : batch.features));
      return model.predict(ordered) as tf.Tensor;
    });
    const values = probabilities.dataSync() as Float32Array;
    probabilities.dispose();
    return part.map((sample, k) => values.slice(k * sample.nodes, (k + 1) * sample.nodes));
  });
}

/** Accuracy, MCC and loss of the model's calls (up when p > 0.5) over the samples' masked nodes. */
export function evaluateModel(model: tf.LayersModel, samples: readonly GraphSample[], scaler: FeatureScaler): ModelMetrics {
  const probabilities = predictProbabilities(model, samples, scaler);
  let loss = 0;
  const parts = samples.map((sample, k) => {
    const p = probabilities[k]!;
    for (let node = 0; node < sample.nodes; node++) {
      if (!sample.mask[node]) continue;
      const clipped = Math.min(1 - EPSILON, Math.max(EPSILON, p[node]!));
      loss -= Math.log(sample.labels[node] ? clipped : 1 - clipped);
    }
    return confusion(
      p.map((x) => (x > 0.5 ? 1 : 0)),
      sample.labels,
      sample.mask,
    );
  });
  const metrics = classificationMetrics(combine(parts));
  return { ...metrics, loss: metrics.nodes === 0 ? 0 : loss / metrics.nodes };
}

/** The baselines on the test samples; the majority is taken from the training samples only. */
export function baselines(train: readonly GraphSample[], test: readonly GraphSample[]): Baselines {
  let ups = 0;
  let nodes = 0;
  for (const sample of train) {
    for (let node = 0; node < sample.nodes; node++) {
      if (!sample.mask[node]) continue;
      nodes++;
      ups += sample.labels[node]!;
    }
  }
  const label = ups * 2 >= nodes ? 1 : 0;
  const majority = combine(test.map((s) => confusion(new Uint8Array(s.nodes).fill(label), s.labels, s.mask)));
  const lastDirection = combine(test.map((s) => confusion(s.lastDirection, s.labels, s.mask)));
  return { majority: { ...classificationMetrics(majority), label }, lastDirection: classificationMetrics(lastDirection) };
}

export function testReport(model: tf.LayersModel, dataset: GcnDataset): TestReport {
  const { train, test } = dataset.split;
  return { samples: test.length, model: evaluateModel(model, test, dataset.scaler), baselines: baselines(train, test) };
}
