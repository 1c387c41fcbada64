// Training the network with a loop of our own rather than model.fit, which has no per-node mask: Adam on
// seeded minibatches of training windows, early stopping on the validation loss at the best epoch's
// weights, then the test report. The same seed gives bit-identical results; an abort stops it promptly.
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs';
import type { TrainOptions } from '../../shared/contracts/pipeline.ts';
import { chunks, indicesOf, type ModelInput, maskedCrossEntropySum, maskedNodes, modelInputs, toBatch } from './batches.ts';
import type { GcnDataset } from './dataset.ts';
import { type TestReport, testReport } from './evaluate.ts';
import { buildGcn, type GcnLayers, gcnLayers, gcnLogits } from './gcn.ts';
import { deriveSeed, seededShuffle } from '../../shared/ml/random.ts';
import { FEATURE_COUNT } from './samples.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';

export type TrainingOptions = Pick<TrainOptions, 'hidden' | 'dropout' | 'learning_rate' | 'l2' | 'max_epochs' | 'patience' | 'seed'> & {
  /** Training windows per optimizer step; the training part's size or more means full batch. */
  readonly batch_size?: number;
};

export const DEFAULT_BATCH_SIZE = 32;

export interface EpochProgress {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number;
  readonly bestEpoch: number;
  readonly elapsedMs: number;
}

export interface TrainingHooks {
  /** Aborting stops training at the next batch and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Awaited after every epoch, e.g. to report progress. */
  readonly onEpoch?: (progress: EpochProgress) => void | Promise<void>;
}

export interface TrainedGcn {
  /** Holding the best epoch's weights; the caller disposes it. */
  readonly model: tf.LayersModel;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly history: { readonly trainLoss: readonly number[]; readonly validationLoss: readonly number[] };
  readonly test: TestReport;
}

// Purposes of derived seeds; the layers' initializers use 0, 1 and 2.
const SHUFFLE = 101;
const DROPOUT = 102;
const EVALUATION_BATCH = 64;

export async function trainGcn(dataset: GcnDataset, options: TrainingOptions, hooks: TrainingHooks = {}): Promise<TrainedGcn> {
  await useCpuBackend();
  hooks.signal?.throwIfAborted();
  const train = modelInputs(dataset.split.train, dataset.scaler);
  const validation = modelInputs(dataset.split.validation, dataset.scaler);
  const model = buildGcn({ nodes: dataset.symbols.length, features: FEATURE_COUNT, hidden: options.hidden, seed: options.seed });
  const optimizer = tf.train.adam(options.learning_rate);
  let best: tf.Tensor[] | undefined;
  try {
    const layers = gcnLayers(model);
    const history = { trainLoss: [] as number[], validationLoss: [] as number[] };
    let bestEpoch = 0;
    let bestLoss = Number.POSITIVE_INFINITY;
    let epoch = 0;
    while (epoch < options.max_epochs && epoch - bestEpoch < options.patience) {
      epoch++;
      const started = performance.now();
      const trainLoss = await trainEpoch(model, layers, optimizer, train, options, epoch, hooks.signal);
      const validationLoss = lossOf(layers, validation);
      history.trainLoss.push(trainLoss);
      history.validationLoss.push(validationLoss);
      if (validationLoss < bestLoss) {
        bestLoss = validationLoss;
        bestEpoch = epoch;
        tf.dispose(best);
        best = model.getWeights().map((w) => w.clone());
      }
      await hooks.onEpoch?.({ epoch, trainLoss, validationLoss, bestEpoch, elapsedMs: performance.now() - started });
    }
    if (best !== undefined) model.setWeights(best);
    return { model, epochs: epoch, bestEpoch, history, test: testReport(model, dataset) };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    tf.dispose(best);
    optimizer.dispose();
  }
}

/** One pass over the training windows in a seeded order; the mean loss over their masked nodes. */
async function trainEpoch(
  model: tf.LayersModel,
  layers: GcnLayers,
  optimizer: tf.Optimizer,
  inputs: readonly ModelInput[],
  options: TrainingOptions,
  epoch: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const order = seededShuffle(indicesOf(inputs), deriveSeed(options.seed, SHUFFLE, epoch));
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  // L2 on the kernels only: penalizing biases would only pull the base rate toward one half.
  const kernels = model.trainableWeights.filter((w) => w.originalName.endsWith('/kernel')).map((w) => w.read());
  let lossSum = 0;
  let nodes = 0;
  for (const [step, indices] of chunks(order, options.batch_size ?? DEFAULT_BATCH_SIZE).entries()) {
    // Yield to the event loop so that an abort (a timer, a shutdown) is seen between steps.
    await nextTurn();
    signal?.throwIfAborted();
    const counted = maskedNodes(inputs, indices);
    if (counted === 0) continue;
    const dropout = (hidden: tf.Tensor, layer: number) =>
      options.dropout > 0 ? tf.dropout(hidden, options.dropout, undefined, deriveSeed(options.seed, DROPOUT, epoch, step, layer)) : hidden;
    const summed = tf.tidy(() => {
      const batch = toBatch(inputs, indices);
      let dataLoss: tf.Scalar | undefined;
      optimizer.minimize(
        () => {
          // Kept past the optimizer's own scopes, so the loss can be reported without the penalty.
          dataLoss = tf.keep(maskedCrossEntropySum(gcnLogits(layers, batch.adjacency, batch.features, dropout), batch.labels, batch.mask));
          const mean = dataLoss.div(counted) as tf.Scalar;
          return options.l2 > 0 ? mean.add(tf.addN(kernels.map((k) => tf.sum(tf.square(k)))).mul(options.l2)) : mean;
        },
        false,
        variables,
      );
      return dataLoss!;
    });
    lossSum += (await summed.data())[0]!;
    summed.dispose();
    nodes += counted;
  }
  return nodes === 0 ? 0 : lossSum / nodes;
}

/** Mean cross-entropy over the masked nodes, without dropout. */
function lossOf(layers: GcnLayers, inputs: readonly ModelInput[]): number {
  let sum = 0;
  let nodes = 0;
  for (const indices of chunks(indicesOf(inputs), EVALUATION_BATCH)) {
    const summed = tf.tidy(() => {
      const batch = toBatch(inputs, indices);
      return maskedCrossEntropySum(gcnLogits(layers, batch.adjacency, batch.features), batch.labels, batch.mask);
    });
    sum += summed.dataSync()[0]!;
    summed.dispose();
    nodes += maskedNodes(inputs, indices);
  }
  return nodes === 0 ? 0 : sum / nodes;
}
