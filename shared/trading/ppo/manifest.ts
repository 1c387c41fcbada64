// What a registered PPO version holds besides its actors: `walk-forward.json`, naming each fold's policy
// folder (`fold-0/`, …) and the bars it was trained and tested on. Free of tfjs, so a function can read
// it without loading TensorFlow.
import { z } from 'zod';
import { describeInvalid, NonRetriableError } from '../../errors.ts';

export const PACKAGE_FILE = 'walk-forward.json';
/** The registry's framework of such a version: tfjs models under fold prefixes. */
export const PACKAGE_FRAMEWORK = 'tfjs-walk-forward';

const spanSchema = z.strictObject({ from: z.number().int(), to: z.number().int() });
export const packageManifestSchema = z.strictObject({
  interval_ms: z.number().int().positive(),
  folds: z.array(z.strictObject({ fold: z.number().int().nonnegative(), train: spanSchema, test: spanSchema, prefix: z.string().regex(/^fold-\d+\/$/) })).min(1),
});
export type PackageManifest = z.output<typeof packageManifestSchema>;

export const foldPrefix = (fold: number) => `fold-${fold}/`;

export function readManifest(files: ReadonlyMap<string, Uint8Array>): PackageManifest {
  const bytes = files.get(PACKAGE_FILE);
  if (!bytes) throw new NonRetriableError(`not a walk-forward PPO package: ${PACKAGE_FILE} is missing`);
  try {
    return packageManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
  } catch (error) {
    throw new NonRetriableError(`${PACKAGE_FILE} is not valid: ${describeInvalid(error)}`, { cause: error });
  }
}
