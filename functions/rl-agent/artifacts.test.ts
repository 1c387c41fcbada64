// A policy as registry files under a prefix and back: a standard tfjs model the registry accepts, its
// manifest relative to it, several folds side by side, identical probabilities after loading.
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonRetriableError } from '../../shared/errors.ts';
import { seededRandom } from '../../shared/ml/random.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';
import { tfjsProblem } from '../../shared/models/tfjs.ts';
import { loadPolicy, MODEL_FILE, POLICY_FILE, policyMeta, readPolicyMeta, savePolicy, WEIGHTS_FILE } from '../../shared/trading/ppo/artifacts.ts';
import { buildActor } from './networks.ts';
import { observationSize } from '../../shared/trading/ppo/observation.ts';
import { PpoPolicy } from '../../shared/trading/ppo/policy.ts';

const WINDOW = 6;
let actors: tf.Sequential[];
let files: Map<string, Uint8Array>;

beforeAll(async () => {
  await useCpuBackend();
  actors = [1, 2].map((seed) => buildActor({ observationSize: observationSize(WINDOW), hidden: 12, seed }));
  files = new Map([...(await savePolicy(actors[0]!, policyMeta(WINDOW, 4096), 'fold-0/')), ...(await savePolicy(actors[1]!, policyMeta(WINDOW, 8192), 'fold-1/'))]);
});
afterAll(() => {
  for (const actor of actors) actor.dispose();
});

const text = (path: string) => new TextDecoder().decode(files.get(path));
const observations = () => {
  const random = seededRandom(8);
  return tf.tensor2d(
    Float32Array.from({ length: 20 * observationSize(WINDOW) }, () => (random() - 0.5) * 4),
    [20, observationSize(WINDOW)],
  );
};
const probabilities = (model: tf.LayersModel) => tf.tidy(() => (model.predict(observations()) as tf.Tensor).dataSync());

describe('savePolicy', () => {
  it('writes model.json, weights.bin and policy.json under the prefix, the manifest naming weights.bin relative to model.json', () => {
    expect([...files.keys()].sort()).toEqual(['fold-0/', 'fold-1/'].flatMap((prefix) => [MODEL_FILE, POLICY_FILE, WEIGHTS_FILE].map((name) => prefix + name)).sort());
    const modelJson = JSON.parse(text(`fold-1/${MODEL_FILE}`));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest.map((group: { paths: string[] }) => group.paths)).toEqual([[WEIGHTS_FILE]]);
    expect(tfjsProblem([WEIGHTS_FILE], text(`fold-1/${MODEL_FILE}`))).toBeUndefined();
    expect(readPolicyMeta(files, 'fold-1/')).toEqual(policyMeta(WINDOW, 8192));
  });

  it('refuses a prefix that is not a relative folder', async () => {
    await expect(savePolicy(actors[0]!, policyMeta(WINDOW, 1), 'fold-0')).rejects.toThrow(/ending in "\/"/);
    await expect(savePolicy(actors[0]!, policyMeta(WINDOW, 1), '../x/')).rejects.toThrow(/relative folder/);
  });
});

describe('loadPolicy', () => {
  it('loads each fold back with identical probabilities, and leaks nothing once disposed', async () => {
    const tensors = tf.memory().numTensors;
    for (const [fold, actor] of actors.entries()) {
      const loaded = await loadPolicy(files, `fold-${fold}/`);
      expect(probabilities(loaded)).toEqual(probabilities(actor));
      // The strategy the backtester and the live agent build on a loaded actor decides as on the trained one.
      const input = tf.tidy(() => observations().slice([3, 0], [1, -1]).dataSync() as Float32Array);
      expect(new PpoPolicy(loaded, WINDOW).probabilities(input)).toEqual(new PpoPolicy(actor, WINDOW).probabilities(input));
      loaded.dispose();
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(probabilities(actors[0]!)).not.toEqual(probabilities(actors[1]!));
  });

  it('refuses, for good, files that are not such a policy', async () => {
    const without = (path: string) => new Map([...files].filter(([p]) => p !== path));
    await expect(loadPolicy(without(`fold-0/${WEIGHTS_FILE}`), 'fold-0/')).rejects.toThrow(NonRetriableError);
    await expect(loadPolicy(without(`fold-0/${POLICY_FILE}`), 'fold-0/')).rejects.toThrow(/policy.json is missing/);
    await expect(loadPolicy(files, 'fold-7/')).rejects.toThrow(NonRetriableError);
    const otherWindow = new Map(files).set(`fold-0/${POLICY_FILE}`, new TextEncoder().encode(JSON.stringify(policyMeta(WINDOW + 2, 1))));
    await expect(loadPolicy(otherWindow, 'fold-0/')).rejects.toThrow(/maps 9 features to 3, not window 8's 11/);
  });
});
