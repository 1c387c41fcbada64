// A trained actor as registry files under a prefix, so one registered version can hold a policy per
// walk-forward fold (`fold-0/`, `fold-1/`, …): `<prefix>model.json`, a standard tfjs model whose manifest
// names `weights.bin` relative to it, `<prefix>weights.bin`, and `<prefix>policy.json` with what a caller
// needs to feed it. Loading reads them back into a tfjs model that predicts the same probabilities.
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { describeInvalid, errorMessage, NonRetriableError } from '../../errors.ts';
import { useCpuBackend } from '../../ml/tf.ts';
import { modelFiles, WEIGHTS_FILE } from '../../ml/model-files.ts';
import { TFJS_MODEL_FILE, tfjsProblem, tfjsWeightPaths } from '../../models/tfjs.ts';
import { ACTIONS } from '../execution.ts';
import { inputSizeOf } from './forward.ts';
import { observationSize, RETURN_CLIP, RETURN_SCALE, RSI_PERIOD } from './observation.ts';

export const MODEL_FILE = TFJS_MODEL_FILE;
export { WEIGHTS_FILE };
export const POLICY_FILE = 'policy.json';

export const policyMetaSchema = z.strictObject({
  /** Returns in the observation. */
  window: z.number().int().min(1),
  /** The actor's outputs, in order. */
  actions: z.array(z.enum(ACTIONS as ['buy', 'sell', 'hold'])).refine((a) => a.join() === ACTIONS.join(), `must be ${ACTIONS.join(', ')}`),
  /** How observations are built, so a policy built differently is refused rather than misread. */
  observation: z.strictObject({ return_scale: z.literal(RETURN_SCALE), return_clip: z.literal(RETURN_CLIP), rsi_period: z.literal(RSI_PERIOD) }),
  /** Environment steps it was trained for. */
  steps: z.number().int().nonnegative(),
});
export type PolicyMeta = z.output<typeof policyMetaSchema>;

export function policyMeta(window: number, steps: number): PolicyMeta {
  return { window, actions: [...ACTIONS], observation: { return_scale: RETURN_SCALE, return_clip: RETURN_CLIP, rsi_period: RSI_PERIOD }, steps };
}

/** The three files by path, each under `prefix` (empty, or ending in `/`). */
export async function savePolicy(actor: tf.LayersModel, meta: PolicyMeta, prefix = ''): Promise<Map<string, Uint8Array>> {
  checkPrefix(prefix);
  const files = await modelFiles(actor, prefix);

  files.set(prefix + POLICY_FILE, utf8(JSON.stringify(meta, null, 2)));
  return files;
}

/** The policy.json under `prefix`; throws NonRetriableError when it is missing or not valid, since it will not change. */
export function readPolicyMeta(files: ReadonlyMap<string, Uint8Array>, prefix = ''): PolicyMeta {
  const json = text(files, prefix + POLICY_FILE);
  if (json === undefined) throw new NonRetriableError(`not a PPO policy: ${prefix}${POLICY_FILE} is missing`);
  try {
    return policyMetaSchema.parse(JSON.parse(json));
  } catch (error) {
    throw new NonRetriableError(`${prefix}${POLICY_FILE} is not valid: ${describeInvalid(error)}`, { cause: error });
  }
}

/** The actor under `prefix`, checked against its policy.json; the caller disposes it. */
export async function loadPolicy(files: ReadonlyMap<string, Uint8Array>, prefix = ''): Promise<tf.LayersModel> {
  checkPrefix(prefix);
  await useCpuBackend();
  const meta = readPolicyMeta(files, prefix);
  const modelJson = text(files, prefix + MODEL_FILE);
  // Weight paths in the manifest are relative to model.json, as tfjs resolves them.
  const relative = [...files.keys()].filter((path) => path.startsWith(prefix)).map((path) => path.slice(prefix.length));
  const problem = tfjsProblem(relative, modelJson);
  if (problem !== undefined || modelJson === undefined) throw new NonRetriableError(`not a PPO policy under "${prefix}": ${problem}`);
  const weights = tf.io.CompositeArrayBuffer.join(tfjsWeightPaths(modelJson).map((path) => arrayBuffer(files.get(prefix + path)!)));
  let actor: tf.LayersModel;
  try {
    const artifacts = await tf.io.getModelArtifactsForJSON(JSON.parse(modelJson) as tf.io.ModelJSON, async (manifest) => [tf.io.getWeightSpecs(manifest), weights]);
    actor = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  } catch (error) {
    throw new NonRetriableError(`${prefix}${MODEL_FILE} does not load as a tfjs layers model: ${errorMessage(error)}`, { cause: error });
  }
  const inputs = inputSizeOf(actor);
  const outputs = actor.outputs[0]!.shape[1];
  if (inputs !== observationSize(meta.window) || outputs !== ACTIONS.length) {
    actor.dispose();
    throw new NonRetriableError(
      `${prefix}${MODEL_FILE} maps ${inputs} features to ${outputs}, not window ${meta.window}'s ${observationSize(meta.window)} to ${ACTIONS.length} actions`,
    );
  }
  return actor;
}

function checkPrefix(prefix: string): void {
  if (prefix !== '' && (!prefix.endsWith('/') || prefix.startsWith('/') || prefix.includes('..'))) {
    throw new RangeError(`a policy's prefix is empty or a relative folder ending in "/", not "${prefix}"`);
  }
}

const text = (files: ReadonlyMap<string, Uint8Array>, path: string) => {
  const bytes = files.get(path);
  return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
};
const utf8 = (s: string) => new TextEncoder().encode(s);
const arrayBuffer = (bytes: Uint8Array) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
