// Feature standardization fitted on the training part only, so that nothing about the validation or
// test windows shapes the inputs; the model artifact carries it to scale what it is later given.
import { FEATURE_COUNT, type GraphSample } from './samples.ts';

/** Per feature, in VERTEX_FEATURES order: x -> (x - mean) / std. */
export interface FeatureScaler {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Mean and standard deviation of each feature over the samples' masked nodes; a constant feature gets std 1. */
export function fitScaler(samples: readonly GraphSample[]): FeatureScaler {
  const sum = new Float64Array(FEATURE_COUNT);
  const squares = new Float64Array(FEATURE_COUNT);
  let count = 0;
  for (const sample of samples) {
    for (let node = 0; node < sample.nodes; node++) {
      if (!sample.mask[node]) continue;
      count++;
      for (let f = 0; f < FEATURE_COUNT; f++) {
        const x = sample.features[node * FEATURE_COUNT + f]!;
        sum[f]! += x;
        squares[f]! += x * x;
      }
    }
  }
  const mean = [...sum].map((s) => (count > 0 ? s / count : 0));
  const std = [...squares].map((sq, f) => {
    const variance = count > 0 ? sq / count - mean[f]! ** 2 : 0;
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { mean, std };
}

/** The sample's features standardized; absent nodes stay zero, the training mean, so they carry no signal. */
export function scaledFeatures(sample: GraphSample, scaler: FeatureScaler): Float32Array {
  const scaled = new Float32Array(sample.features.length);
  for (let node = 0; node < sample.nodes; node++) {
    if (!sample.present[node]) continue;
    for (let f = 0; f < FEATURE_COUNT; f++) {
      const i = node * FEATURE_COUNT + f;
      scaled[i] = (sample.features[i]! - scaler.mean[f]!) / scaler.std[f]!;
    }
  }
  return scaled;
}
