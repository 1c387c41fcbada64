// A TensorFlow.js model on disk or in an upload: model.json (topology and weights manifest) and the
// weight shards its manifest names. Checked before it is registered, so a version always loads.
import { z } from 'zod';
import { describeInvalid } from '../errors.ts';
import { artifactPathSchema } from '../contracts/models.ts';

export const TFJS_MODEL_FILE = 'model.json';

const modelJsonSchema = z.looseObject({
  modelTopology: z.unknown().refine((topology) => topology !== undefined && topology !== null, 'is missing'),
  weightsManifest: z.array(z.looseObject({ paths: z.array(artifactPathSchema).min(1), weights: z.array(z.unknown()) })),
});

/** The weight files a tfjs model.json names, in its order; throws with what is wrong when it is not one. */
export function tfjsWeightPaths(modelJson: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(modelJson);
  } catch {
    throw new Error(`${TFJS_MODEL_FILE} is not JSON`);
  }
  const checked = modelJsonSchema.safeParse(parsed);
  if (!checked.success) throw new Error(`${TFJS_MODEL_FILE} is not a TensorFlow.js model: ${describeInvalid(checked.error)}`);
  return checked.data.weightsManifest.flatMap((group) => group.paths);
}

/** Why a set of files is not a complete tfjs model (model.json plus every shard it names), or undefined. */
export function tfjsProblem(paths: readonly string[], modelJson: string | undefined): string | undefined {
  if (modelJson === undefined) return `a tfjs version needs ${TFJS_MODEL_FILE} (or say its framework in the metadata)`;
  let weights: string[];
  try {
    weights = tfjsWeightPaths(modelJson);
  } catch (error) {
    return (error as Error).message;
  }
  const missing = weights.filter((path) => !paths.includes(path));
  return missing.length > 0 ? `${TFJS_MODEL_FILE} names weight files that were not given: ${missing.join(', ')}` : undefined;
}
