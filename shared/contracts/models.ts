// The model registry's shapes: a registered model, its versions (artifacts with checksums, metadata and
// lineage), aliases, references (`models:/name/3`, `models:/name@champion`, `models:/name/latest`) and
// the `model-updates` topic that announces every new version and every alias move.
import { z } from 'zod';
import { symbolSchema } from './names.ts';
import { defineTopic } from './topic.ts';
import { timeRangeTextSchema } from './time-range.ts';

export const modelNameSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be 1-63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit');

/** `latest` is not an alias: it always means the newest version. */
export const LATEST = 'latest';
export const aliasSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,31}$/, 'must be 1-32 lower-case letters, digits, "_" or "-", starting with a letter')
  .refine((alias) => alias !== LATEST, `"${LATEST}" always means the newest version; it cannot be moved`);

export const versionNumberSchema = z.number().int().positive();
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256');

/** A path inside a version: relative, "/"-separated, no empty, "." or ".." segment. */
export const artifactPathSchema = z
  .string()
  .regex(/^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))(?!.*\/\/)[A-Za-z0-9!_.*'()=-][A-Za-z0-9!_.*'()=/-]{0,255}$/, 'must be a relative path of S3-safe characters');

export const artifactSchema = z.strictObject({
  path: artifactPathSchema,
  size: z.number().int().nonnegative(),
  sha256: sha256Schema,
});
export type Artifact = z.infer<typeof artifactSchema>;

/** A hyperparameter's value: a JSON scalar, list or object (a learning rate, layer sizes, an optimizer's settings). */
const jsonValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.unknown()), z.record(z.string(), z.unknown())]);

/** Where a version came from: the workflow that trained it and the data it saw. */
export const lineageSchema = z.strictObject({
  workflow_id: z.string().min(1).optional(),
  symbols: z.array(symbolSchema).optional(),
  time_range: timeRangeTextSchema.optional(),
  /** The stored graphs it was trained on (the graph's name: its catalog document and collections). */
  graph: z.string().min(1).optional(),
  /** The version it was fine-tuned from, as a reference. */
  parent: z.string().min(1).optional(),
});

/** What the one registering a version says about it. */
export const versionMetadataSchema = z.strictObject({
  framework: z.string().min(1).max(64).default('tfjs'),
  description: z.string().max(4096).optional(),
  hyperparameters: z.record(z.string(), jsonValue).default({}),
  metrics: z.record(z.string(), z.number()).default({}),
  lineage: lineageSchema.default({}),
});
export type VersionMetadata = z.output<typeof versionMetadataSchema>;
export type VersionMetadataInput = z.input<typeof versionMetadataSchema>;

export const modelVersionSchema = z
  .strictObject({
    name: modelNameSchema,
    version: versionNumberSchema,
    uri: z.string(),
    created_at: z.iso.datetime(),
    /** SHA-256 of the version's SHA256SUMS file: one value that pins every artifact. */
    sha256: sha256Schema,
    artifacts: z.array(artifactSchema).min(1),
    /** The aliases pointing at this version now. */
    aliases: z.array(z.string()),
    /** Where the artifacts are in the bucket: `<prefix><path>`. */
    prefix: z.string(),
    ...versionMetadataSchema.shape,
  })
  .meta({ id: 'ModelVersion' });
export type ModelVersion = z.output<typeof modelVersionSchema>;

export const registeredModelSchema = z
  .strictObject({
    name: modelNameSchema,
    created_at: z.iso.datetime(),
    latest_version: versionNumberSchema.nullable(),
    aliases: z.record(z.string(), versionNumberSchema),
  })
  .meta({ id: 'RegisteredModel' });
export type RegisteredModel = z.output<typeof registeredModelSchema>;

/** Announced on model-updates for every new version (alias null) and every alias move. */
export const modelUpdateSchema = z.strictObject({
  name: modelNameSchema,
  version: versionNumberSchema,
  alias: z.string().nullable(),
  uri: z.string(),
  sha256: sha256Schema,
  metrics: z.record(z.string(), z.number()),
  /** When it happened (epoch ms): a follower ignores announcements older than what it already follows. */
  timestamp: z.number().int().positive(),
});
export type ModelUpdate = z.output<typeof modelUpdateSchema>;

/** Keyed by model name: one model's announcements keep their order. */
export const modelUpdatesTopic = defineTopic('model-updates', { schema: modelUpdateSchema, key: (update) => update.name, valuesAreWire: true });

/** A reference to a version: a fixed number, an alias, or the newest version. */
export type ModelReference =
  | { readonly name: string; readonly kind: 'version'; readonly version: number }
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string }
  | { readonly name: string; readonly kind: 'latest' };

const REFERENCE = /^(?:models:\/)?([^/@]+)(?:\/([^/@]+)|@([^/@]+))?$/;

/**
 * `models:/gcn/3`, `models:/gcn@champion`, `models:/gcn/latest`, or the same without `models:/`
 * (`gcn/3`, `gcn@champion`); a bare `gcn` means its newest version.
 */
export function parseModelReference(text: string): ModelReference {
  const match = REFERENCE.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a model reference: use models:/<name>/<version>, models:/<name>@<alias> or models:/<name>/latest`);
  const [, rawName, selector, rawAlias] = match;
  const name = modelNameSchema.safeParse(rawName);
  if (!name.success) throw new Error(`"${text}": model name ${name.error.issues[0]!.message}`);
  if (rawAlias !== undefined) {
    const alias = aliasSchema.safeParse(rawAlias);
    if (!alias.success) throw new Error(`"${text}": alias ${alias.error.issues[0]!.message}`);
    return { name: name.data, kind: 'alias', alias: alias.data };
  }
  if (selector === undefined || selector === LATEST) return { name: name.data, kind: 'latest' };
  if (!/^[1-9]\d{0,8}$/.test(selector)) throw new Error(`"${text}": version must be a positive whole number or "latest"`);
  return { name: name.data, kind: 'version', version: Number(selector) };
}

export function formatModelReference(reference: ModelReference): string {
  if (reference.kind === 'version') return versionUri(reference.name, reference.version);
  return reference.kind === 'alias' ? `models:/${reference.name}@${reference.alias}` : `models:/${reference.name}/${LATEST}`;
}

export const versionUri = (name: string, version: number) => `models:/${name}/${version}`;
