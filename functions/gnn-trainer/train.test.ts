// Training on leader/follower pairs, where a follower's direction is readable only from its neighbour:
// the network must learn it, repeat itself bit for bit from the same seed, stop on an abort, and leak
// no tensors either way.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainOptionsSchema } from '../../shared/contracts/pipeline.ts';
import { type GcnDataset, prepareDataset } from './dataset.ts';
import { leaderFollowerGraph } from './test-support.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';
import { type EpochProgress, type TrainingOptions, trainGcn } from './train.ts';

beforeAll(useCpuBackend);

function dataset(seed = 7): GcnDataset {
  const { graph, vertices, edges } = leaderFollowerGraph({ pairs: 4, windows: 140, seed, missing: 0.05 });
  return prepareDataset(graph, vertices, edges, { validation: 0.15, test: 0.15 });
}

function options({ batch_size, ...overrides }: Record<string, number> = {}): TrainingOptions {
  return { ...trainOptionsSchema.parse({ max_epochs: 60, patience: 15, ...overrides }), batch_size };
}

async function trained(overrides: Record<string, number> = {}) {
  const result = await trainGcn(dataset(), options(overrides));
  result.model.dispose();
  return result;
}

describe('trainGcn', () => {
  it('learns a label carried by a neighbour and beats both baselines on the test windows', async () => {
    const tensors = tf.memory().numTensors;
    const progress: EpochProgress[] = [];
    const result = await trainGcn(dataset(), options(), { onEpoch: (p) => void progress.push(p) });
    const { model, baselines } = result.test;
    expect(model.accuracy).toBeGreaterThan(0.9);
    expect(model.mcc).toBeGreaterThan(0.8);
    expect(model.accuracy).toBeGreaterThan(baselines.majority.accuracy + 0.2);
    expect(model.accuracy).toBeGreaterThan(baselines.lastDirection.accuracy + 0.2);
    expect(progress.map((p) => p.epoch)).toEqual(Array.from({ length: result.epochs }, (_, i) => i + 1));
    expect(result.history.validationLoss).toHaveLength(result.epochs);
    expect(result.history.validationLoss[result.bestEpoch - 1]).toBe(Math.min(...result.history.validationLoss));
    result.model.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('gives bit-identical losses and metrics from the same seed, and others from another', async () => {
    const first = await trained();
    const second = await trained();
    expect(second.history).toEqual(first.history);
    expect(second.test).toEqual(first.test);
    expect((await trained({ seed: 43 })).history).not.toEqual(first.history);
  });

  it('stops early at the best epoch once the validation loss stops improving', async () => {
    const result = await trained({ max_epochs: 500, patience: 3, learning_rate: 0.05 });
    expect(result.epochs).toBeLessThan(500);
    expect(result.epochs - result.bestEpoch).toBe(3);
  });

  it('trains full batch, and an L2 penalty shrinks the kernels', async () => {
    const squaredKernels = async (l2: number) => {
      const result = await trainGcn(dataset(), options({ batch_size: 10_000, l2, learning_rate: 0.05, dropout: 0, max_epochs: 40 }));
      const kernels = result.model.trainableWeights.filter((w) => w.originalName.endsWith('/kernel'));
      const sum = kernels.reduce((total, w) => total + tf.tidy(() => tf.sum(tf.square(w.read())).dataSync()[0]!), 0);
      result.model.dispose();
      return { sum, accuracy: result.test.model.accuracy };
    };
    const plain = await squaredKernels(0);
    const penalized = await squaredKernels(0.01);
    expect(plain.accuracy).toBeGreaterThan(0.9);
    expect(penalized.sum).toBeLessThan(plain.sum * 0.8);
  });

  it('rejects with the abort reason mid-epoch and leaks no tensors', async () => {
    const tensors = tf.memory().numTensors;
    const controller = new AbortController();
    const reason = new Error('shutting down');
    let epochs = 0;
    const training = trainGcn(dataset(), options({ max_epochs: 5000, patience: 1000, batch_size: 4 }), {
      signal: controller.signal,
      onEpoch: () => {
        if (++epochs === 2) setTimeout(() => controller.abort(reason), 1);
      },
    });
    await expect(training).rejects.toBe(reason);
    expect(epochs).toBeLessThanOrEqual(3);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it('does not start when already aborted', async () => {
    const tensors = tf.memory().numTensors;
    await expect(trainGcn(dataset(), options(), { signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow('gone');
    expect(tf.memory().numTensors).toBe(tensors);
  });
});
