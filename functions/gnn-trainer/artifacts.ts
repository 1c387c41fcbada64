// A trained network as registry files: a standard tfjs model.json naming one weights.bin, and
// preprocessing.json with what a caller needs to feed it (symbol order, features, scaler, windows).
// Loading gives a predictor that applies the stored scaler, so a champion scores new windows as trained.
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { type GraphDoc, VERTEX_FEATURES } from '../../shared/contracts/graph.ts';
import { describeInvalid, errorMessage, NonRetriableError } from '../../shared/errors.ts';
import { modelFiles, WEIGHTS_FILE } from '../../shared/ml/model-files.ts';
import { TFJS_MODEL_FILE, tfjsProblem, tfjsWeightPaths } from '../../shared/models/tfjs.ts';
import { predictProbabilities } from './evaluate.ts';
import { ADJACENCY_INPUT } from './gcn.ts';
import { type GraphInput, type GraphSample, sampleOfInput } from './samples.ts';
import type { FeatureScaler } from './scaler.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';

export const MODEL_FILE = TFJS_MODEL_FILE;
export { WEIGHTS_FILE };
export const PREPROCESSING_FILE = 'preprocessing.json';

export const preprocessingSchema = z.strictObject({
  /** Node i of the model is symbols[i]. */
  symbols: z.array(z.string().min(1)).min(1),
  features: z.array(z.string()).refine((f) => f.join() === VERTEX_FEATURES.join(), `must be ${VERTEX_FEATURES.join(', ')}, the features this trainer builds`),
  scaler: z.strictObject({ mean: z.array(z.number()).length(VERTEX_FEATURES.length), std: z.array(z.number().positive()).length(VERTEX_FEATURES.length) }),
  window_bars: z.number().int().positive(),
  stride_bars: z.number().int().positive(),
  interval_ms: z.number().int().positive(),
});
export type Preprocessing = z.output<typeof preprocessingSchema>;

export function preprocessingFor(graph: GraphDoc, scaler: FeatureScaler): Preprocessing {
  const { window_bars, stride_bars, interval_ms } = graph;
  return { symbols: [...graph.symbols], features: [...VERTEX_FEATURES], scaler: { mean: [...scaler.mean], std: [...scaler.std] }, window_bars, stride_bars, interval_ms };
}

/** model.json, weights.bin and preprocessing.json, by file name. */
export async function saveGcn(model: tf.LayersModel, preprocessing: Preprocessing): Promise<Map<string, Uint8Array>> {
  const files = await modelFiles(model);

  files.set(PREPROCESSING_FILE, utf8(JSON.stringify(preprocessing, null, 2)));
  return files;
}

export interface LoadedGcn {
  readonly model: tf.LayersModel;
  readonly preprocessing: Preprocessing;
  /** The model's node order. */
  readonly symbols: readonly string[];
  /** The probability of an up move per symbol, in `symbols` order, for unscaled features. */
  predict(graph: GraphSample | GraphInput): Float32Array;
  dispose(): void;
}

/** Reads the files saveGcn wrote; throws NonRetriableError when they are not such a model, since they will not change. */
export async function loadGcn(files: ReadonlyMap<string, Uint8Array>): Promise<LoadedGcn> {
  await useCpuBackend();
  const modelJson = text(files, MODEL_FILE);
  const problem = tfjsProblem([...files.keys()], modelJson);
  if (problem !== undefined || modelJson === undefined) throw new NonRetriableError(`not a GCN model: ${problem}`);
  const preprocessing = parsePreprocessing(text(files, PREPROCESSING_FILE));
  const model = await readModel(modelJson, files);
  const nodes = preprocessing.symbols.length;
  const adjacency = model.inputs[model.inputNames.indexOf(ADJACENCY_INPUT)];
  if (adjacency?.shape[1] !== nodes) {
    model.dispose();
    throw new NonRetriableError(`not a GCN model of ${nodes} symbols: its inputs are ${model.inputs.map((i) => `${i.name} [${i.shape.join(', ')}]`).join(', ')}`);
  }
  return {
    model,
    preprocessing,
    symbols: preprocessing.symbols,
    predict(graph) {
      return predictProbabilities(model, ['present' in graph ? graph : sampleOfInput(graph)], preprocessing.scaler)[0]!;
    },
    dispose: () => model.dispose(),
  };
}

async function readModel(modelJson: string, files: ReadonlyMap<string, Uint8Array>): Promise<tf.LayersModel> {
  const weights = tf.io.CompositeArrayBuffer.join(tfjsWeightPaths(modelJson).map((path) => arrayBuffer(files.get(path)!)));
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(JSON.parse(modelJson) as tf.io.ModelJSON, async (manifest) => [tf.io.getWeightSpecs(manifest), weights]);
    return await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new NonRetriableError(`${MODEL_FILE} does not load as a tfjs layers model: ${errorMessage(error)}`, { cause: error });
  }
}

function parsePreprocessing(json: string | undefined): Preprocessing {
  if (json === undefined) throw new NonRetriableError(`not a GCN model: ${PREPROCESSING_FILE} is missing`);
  try {
    return preprocessingSchema.parse(JSON.parse(json));
  } catch (error) {
    throw new NonRetriableError(`${PREPROCESSING_FILE} is not valid: ${describeInvalid(error)}`, { cause: error });
  }
}

const text = (files: ReadonlyMap<string, Uint8Array>, name: string) => {
  const bytes = files.get(name);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
};
const utf8 = (s: string) => new TextEncoder().encode(s);
const arrayBuffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
