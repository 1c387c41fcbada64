// Saving a trained network as registry files and loading it back: the files are a standard tfjs model
// the registry accepts, the loaded predictor scales with the stored scaler and predicts the same.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERTEX_FEATURES } from '../../shared/contracts/graph.ts';
import { trainOptionsSchema } from '../../shared/contracts/pipeline.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import { tfjsProblem } from '../../shared/models/tfjs.ts';
import { loadGcn, MODEL_FILE, PREPROCESSING_FILE, preprocessingFor, saveGcn, WEIGHTS_FILE } from './artifacts.ts';
import { type GcnDataset, prepareDataset } from './dataset.ts';
import { evaluateModel, predictProbabilities } from './evaluate.ts';
import { leaderFollowerGraph } from './test-support.ts';
import { type TrainedGcn, trainGcn } from './train.ts';

const stored = leaderFollowerGraph({ pairs: 3, windows: 60, seed: 11, missing: 0.05 });
let dataset: GcnDataset;
let trained: TrainedGcn;
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  dataset = prepareDataset(stored.graph, stored.vertices, stored.edges, { validation: 0.15, test: 0.15 });
  trained = await trainGcn(dataset, trainOptionsSchema.parse({ max_epochs: 5 }));
  files = await saveGcn(trained.model, preprocessingFor(stored.graph, dataset.scaler));
});
afterAll(() => trained.model.dispose());

const json = (name: string) => JSON.parse(new TextDecoder().decode(files.get(name)));
const without = (name: string) => new Map([...files].filter(([path]) => path !== name));

describe('saveGcn', () => {
  it('writes a tfjs model.json whose manifest names weights.bin, which the registry accepts', () => {
    expect([...files.keys()].sort()).toEqual([MODEL_FILE, PREPROCESSING_FILE, WEIGHTS_FILE].sort());
    const modelJson = json(MODEL_FILE);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest.map((group: { paths: string[] }) => group.paths)).toEqual([[WEIGHTS_FILE]]);
    expect(tfjsProblem([...files.keys()], new TextDecoder().decode(files.get(MODEL_FILE)))).toBeUndefined();
  });

  it('writes the preprocessing a caller needs to feed the model', () => {
    expect(json(PREPROCESSING_FILE)).toEqual({
      symbols: stored.graph.symbols,
      features: [...VERTEX_FEATURES],
      scaler: { mean: dataset.scaler.mean, std: dataset.scaler.std },
      window_bars: 8,
      stride_bars: 8,
      interval_ms: stored.graph.interval_ms,
    });
  });
});

describe('loadGcn', () => {
  it('predicts the same probabilities as the model that was saved, and evaluates the same', async () => {
    const tensors = tf.memory().numTensors;
    const loaded = await loadGcn(files);
    const expected = predictProbabilities(trained.model, dataset.split.test, dataset.scaler);
    for (const [k, sample] of dataset.split.test.entries()) expect(loaded.predict(sample)).toEqual(expected[k]);
    expect(evaluateModel(loaded.model, dataset.split.test, loaded.preprocessing.scaler)).toEqual(trained.test.model);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('loads with plain tf.loadLayersModel, no custom classes registered', async () => {
    const modelJson = json(MODEL_FILE);
    const weights = files.get(WEIGHTS_FILE)!;
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0].weights, weightData: weights.slice().buffer }),
    );
    expect(model.inputNames).toEqual(['adjacency', 'features']);
    model.dispose();
  });

  it('refuses, without retry, files that are not a complete GCN model', async () => {
    await expect(loadGcn(without(WEIGHTS_FILE))).rejects.toThrow(NonRetriableError);
    await expect(loadGcn(without(WEIGHTS_FILE))).rejects.toThrow(/weights\.bin/);
    await expect(loadGcn(without(PREPROCESSING_FILE))).rejects.toThrow(/preprocessing\.json is missing/);
    const otherFeatures = new Map(files).set(PREPROCESSING_FILE, new TextEncoder().encode(JSON.stringify({ ...json(PREPROCESSING_FILE), features: ['close'] })));
    await expect(loadGcn(otherFeatures)).rejects.toThrow(/features: must be log_return/);
    const otherSymbols = new Map(files).set(PREPROCESSING_FILE, new TextEncoder().encode(JSON.stringify({ ...json(PREPROCESSING_FILE), symbols: ['BTCUSDT'] })));
    await expect(loadGcn(otherSymbols)).rejects.toThrow(/not a GCN model of 1 symbols/);
    const truncated = new Map(files).set(WEIGHTS_FILE, files.get(WEIGHTS_FILE)!.slice(0, 100));
    await expect(loadGcn(truncated)).rejects.toThrow(NonRetriableError);
  });

  it('scores a graph given as per-symbol features and correlations, as the same sample', async () => {
    const loaded = await loadGcn(files);
    const sample = dataset.split.test[0]!;
    const n = sample.nodes;
    const row = (node: number) => Array.from(sample.features.subarray(node * 4, node * 4 + 4));
    const features = Array.from({ length: n }, (_, node) => {
      if (!sample.present[node]) return undefined;
      const [log_return, realized_vol, rsi, volume_z] = row(node) as [number, number, number, number];
      return { log_return, realized_vol, rsi, volume_z };
    });
    // Signed correlations and a filled diagonal: the model takes |rho| off the diagonal.
    const adjacency = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : -sample.adjacency[i * n + j]!)));
    expect(loaded.symbols).toEqual(stored.graph.symbols);
    expect(loaded.predict({ features, adjacency })).toEqual(loaded.predict(sample));
    loaded.dispose();
  });

  it('refuses a sample of another symbol count', async () => {
    const loaded = await loadGcn(files);
    const sample = dataset.split.test[0]!;
    expect(() => loaded.predict({ ...sample, nodes: sample.nodes - 1 })).toThrow(/scores graphs of 6 symbols, not 5/);
    loaded.dispose();
  });
});
