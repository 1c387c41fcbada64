// The model registry: registered models with numbered versions, movable aliases and lineage, in the
// spirit of MLflow's. Version metadata lives in the store, artifacts in the object store under
// `models/<name>/versions/<n>/`, and every new version and alias move is announced on `model-updates`.
//
// A registration claims the next number with a create-only insert (concurrent registrations get distinct
// numbers, none is lost), uploads the artifacts, writes SHA256SUMS and version.json beside them, and only
// then marks the version ready. If anything fails on the way, what was written is removed and no version
// appears; a registration that died mid-way is swept by the next one of the same model.
import { createHash, randomUUID } from 'node:crypto';
import {
  type Artifact,
  type ModelReference,
  type ModelUpdate,
  type ModelVersion,
  type RegisteredModel,
  type VersionMetadataInput,
  aliasSchema,
  artifactPathSchema,
  modelNameSchema,
  modelUpdatesTopic,
  parseModelReference,
  versionMetadataSchema,
  versionUri,
} from '../contracts/models.ts';
import { describeInvalid, errorMessage } from '../errors.ts';
import { publish } from '../harness/publish.ts';
import type { Logger } from '../logger.ts';
import type { Bus } from '../ports/bus.ts';
import type { ObjectBody, ObjectStore, ObjectStream } from '../ports/object-store.ts';
import type { Store } from '../ports/store.ts';
import { ModelNotFoundError, ModelRequestError } from './errors.ts';
import { TFJS_MODEL_FILE, tfjsProblem } from './tfjs.ts';
import { type LoadedModel, loadVerified } from './verify.ts';

export const COLLECTIONS = { models: 'models', versions: 'model_versions', aliases: 'model_aliases' } as const;
/** A registration silent this long is taken for dead, and what it wrote is removed. */
const ABANDONED_AFTER_MS = 60 * 60 * 1000;
/** Announcements are small and rare; followers read them from the start of what is kept. */
const UPDATES_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface ArtifactUpload {
  readonly path: string;
  readonly body: ObjectBody;
  readonly contentType?: string;
}

export interface RegisterRequest extends VersionMetadataInput {
  readonly name: string;
  readonly artifacts: readonly ArtifactUpload[];
  readonly signal?: AbortSignal;
}

interface ModelDoc {
  readonly _key: string;
  readonly name: string;
  readonly created_at: string;
  readonly created_ms: number;
}

type VersionDoc = { readonly _key: string; readonly status: 'pending' | 'ready' | 'deleted'; readonly claimed_ms: number; readonly owner?: string } & Omit<ModelVersion, 'aliases'>;

interface AliasDoc {
  readonly _key: string;
  readonly name: string;
  readonly alias: string;
  readonly version: number;
  /** Epoch ms of the move; strictly increasing per alias, so announcements order. */
  readonly updated_at: number;
}

/** A resolved reference, with when what it points at last changed (for followers). */
export interface Resolved {
  readonly version: ModelVersion;
  readonly changedAt: number;
}

export interface ModelRegistryPorts {
  readonly store: Store;
  readonly objects: ObjectStore;
  readonly bus: Bus;
  readonly logger: Logger;
}

const versionKey = (name: string, version: number) => `${name}:${version}`;
const aliasKey = (name: string, alias: string) => `${name}@${alias}`;
export const versionPrefix = (name: string, version: number) => `models/${name}/versions/${version}/`;
const ARTIFACTS = 'artifacts/';

function parsed<T>(field: string, schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ModelRequestError(field, describeInvalid(result.error).replace(/^record: /, ''));
  return result.data;
}

export class ModelRegistry {
  private readonly ports: ModelRegistryPorts;
  private topicReady: Promise<void> | undefined;

  constructor(ports: ModelRegistryPorts) {
    this.ports = ports;
  }

  async register(request: RegisterRequest): Promise<ModelVersion> {
    const name = parsed('name', modelNameSchema, request.name);
    const { artifacts: given, signal, name: _name, ...rest } = request;
    const metadata = parsed('metadata', versionMetadataSchema, rest);
    if (given.length === 0) throw new ModelRequestError('artifacts', 'a version needs at least one artifact');
    const paths = given.map((upload, i) => parsed(`artifacts[${i}].path`, artifactPathSchema, upload.path));
    const duplicate = paths.find((path, i) => paths.indexOf(path) !== i);
    if (duplicate) throw new ModelRequestError('artifacts', `"${duplicate}" is given twice`);
    const uploads = metadata.framework === 'tfjs' ? await checkedTfjs(given, paths) : given;

    const { store, objects } = this.ports;
    const now = new Date();
    await store.insert<ModelDoc>(COLLECTIONS.models, { _key: name, name, created_at: now.toISOString(), created_ms: now.getTime() });
    await this.sweepAbandoned(name);
    const version = await this.claim(name);
    const prefix = versionPrefix(name, version);
    try {
      // Leftovers of an earlier registration that failed with this number while the object store was away.
      await this.clear(prefix);
      const artifacts: Artifact[] = [];
      for (const [i, upload] of uploads.entries()) {
        const stored = await objects.put(`${prefix}${ARTIFACTS}${paths[i]}`, upload.body, {
          ...(upload.contentType ? { contentType: upload.contentType } : {}),
          ...(signal ? { signal } : {}),
        });
        artifacts.push({ path: paths[i]!, size: stored.size, sha256: stored.sha256 });
      }
      artifacts.sort((a, b) => (a.path < b.path ? -1 : 1));
      // sha256sum's own format: `sha256sum -c SHA256SUMS` in the artifacts folder checks a download.
      const sums = artifacts.map((a) => `${a.sha256}  ${a.path}\n`).join('');
      const record: Omit<ModelVersion, 'aliases'> = {
        name,
        version,
        uri: versionUri(name, version),
        created_at: new Date().toISOString(),
        sha256: createHash('sha256').update(sums).digest('hex'),
        artifacts,
        prefix: `${prefix}${ARTIFACTS}`,
        ...metadata,
      };
      await objects.put(`${prefix}SHA256SUMS`, sums, { contentType: 'text/plain' });
      await objects.put(`${prefix}version.json`, `${JSON.stringify(record, null, 2)}\n`, { contentType: 'application/json' });
      await store.upsert<VersionDoc>(COLLECTIONS.versions, [{ _key: versionKey(name, version), status: 'ready', claimed_ms: now.getTime(), ...record }]);
      await this.announce({ name, version, alias: null, uri: record.uri, sha256: record.sha256, metrics: record.metrics, timestamp: Date.now() });
      return { ...record, aliases: [] };
    } catch (error) {
      await this.discard(name, version);
      throw error;
    }
  }

  async listModels(): Promise<RegisteredModel[]> {
    const models = await this.ports.store.query<ModelDoc>(COLLECTIONS.models, { field: 'created_ms' });
    const listed = await Promise.all(models.map((model) => this.model(model.name)));
    return listed.filter((model): model is RegisteredModel => model !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async model(name: string): Promise<RegisteredModel | undefined> {
    const doc = await this.ports.store.get<ModelDoc>(COLLECTIONS.models, name);
    if (!doc) return undefined;
    const [latest] = await this.readyVersions(name, 'desc', 1);
    const aliases = await this.aliases(name);
    return { name, created_at: doc.created_at, latest_version: latest?.version ?? null, aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])) };
  }

  /** Every ready version of a model, oldest first; throws ModelNotFoundError for an unknown model. */
  async versions(name: string): Promise<ModelVersion[]> {
    await this.requireModel(name);
    const [docs, aliases] = await Promise.all([this.readyVersions(name, 'asc'), this.aliases(name)]);
    return docs.map((doc) => view(doc, aliases));
  }

  /** The version a reference (`models:/gcn/3`, `gcn@champion`, `gcn/latest`) points at now. */
  /** What the reference points at, or undefined when no such model, version or alias exists. */
  async find(reference: string | ModelReference): Promise<ModelVersion | undefined> {
    try {
      return await this.resolve(reference);
    } catch (error) {
      if (error instanceof ModelNotFoundError) return undefined;
      throw error;
    }
  }

  async resolve(reference: string | ModelReference): Promise<ModelVersion> {
    return (await this.resolveWithChange(reference)).version;
  }

  async resolveWithChange(reference: string | ModelReference): Promise<Resolved> {
    const ref = typeof reference === 'string' ? parseModelReference(reference) : reference;
    await this.requireModel(ref.name);
    const aliases = await this.aliases(ref.name);
    if (ref.kind === 'alias') {
      const alias = aliases.find((a) => a.alias === ref.alias);
      if (!alias) throw new ModelNotFoundError(`model ${ref.name} has no alias "${ref.alias}"`);
      return { version: view(await this.readyVersion(ref.name, alias.version), aliases), changedAt: alias.updated_at };
    }
    if (ref.kind === 'version') {
      const doc = await this.readyVersion(ref.name, ref.version);
      return { version: view(doc, aliases), changedAt: Date.parse(doc.created_at) };
    }
    const [latest] = await this.readyVersions(ref.name, 'desc', 1);
    if (!latest) throw new ModelNotFoundError(`model ${ref.name} has no version yet`);
    return { version: view(latest, aliases), changedAt: Date.parse(latest.created_at) };
  }

  /** Points an alias at a version (creating or moving it) and announces the move. */
  async setAlias(name: string, alias: string, version: number): Promise<ModelVersion> {
    const aliasName = parsed('alias', aliasSchema, alias);
    await this.requireModel(name);
    const doc = await this.ports.store.get<VersionDoc>(COLLECTIONS.versions, versionKey(name, version));
    if (!Number.isInteger(version) || version < 1 || doc?.status !== 'ready') {
      throw new ModelRequestError('version', `${versionUri(name, version)} does not exist, so @${aliasName} cannot point at it`);
    }
    const before = await this.ports.store.get<AliasDoc>(COLLECTIONS.aliases, aliasKey(name, aliasName));
    const updatedAt = Math.max(Date.now(), (before?.updated_at ?? 0) + 1);
    await this.ports.store.upsert<AliasDoc>(COLLECTIONS.aliases, [{ _key: aliasKey(name, aliasName), name, alias: aliasName, version, updated_at: updatedAt }]);
    await this.announce({ name, version, alias: aliasName, uri: doc.uri, sha256: doc.sha256, metrics: doc.metrics, timestamp: updatedAt });
    return view(doc, await this.aliases(name));
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.requireModel(name);
    if (!(await this.ports.store.remove(COLLECTIONS.aliases, aliasKey(name, alias)))) throw new ModelNotFoundError(`model ${name} has no alias "${alias}"`);
  }

  /**
   * Deletes a version's artifacts; its number stays taken (a reference such as models:/gcn/3 never comes
   * to mean another model). A version an alias points at is refused: a consumer following the alias
   * must never be left without its model, so move or remove the alias first.
   */
  async deleteVersion(name: string, version: number): Promise<void> {
    await this.requireModel(name);
    const doc = await this.readyVersion(name, version);
    const pointing = (await this.aliases(name)).filter((a) => a.version === version).map((a) => `@${a.alias}`);
    if (pointing.length > 0) {
      throw new ModelRequestError(
        'version',
        `${doc.uri} is what ${pointing.join(' and ')} ${pointing.length > 1 ? 'point' : 'points'} at; move or remove ${pointing.length > 1 ? 'them' : 'it'} first`,
      );
    }
    // The record first, so nothing resolves a version whose files are going; then the files.
    await this.ports.store.upsert<VersionDoc>(COLLECTIONS.versions, [{ ...doc, status: 'deleted' }]);
    try {
      await this.clear(versionPrefix(name, version));
    } catch (error) {
      this.ports.logger.warn({ err: error, model: name, version }, `deleted ${doc.uri}, but its files could not be removed yet (${errorMessage(error)}); they are never served`);
    }
  }

  /** An artifact of a version as a stream, with what the registry recorded of it. */
  async openArtifact(version: ModelVersion, path: string): Promise<{ artifact: Artifact; stream: ObjectStream }> {
    const artifact = version.artifacts.find((a) => a.path === path);
    if (!artifact) throw new ModelNotFoundError(`${version.uri} has no artifact "${path}"`);
    const stream = await this.ports.objects.stream(`${version.prefix}${path}`);
    if (!stream) throw new ModelNotFoundError(`artifact "${path}" of ${version.uri} is missing from the object store`);
    return { artifact, stream };
  }

  /** Every artifact of the version a reference points at, each checked against its recorded SHA-256. */
  async load(reference: string | ModelReference | ModelVersion): Promise<LoadedModel> {
    const version = typeof reference === 'object' && 'artifacts' in reference ? reference : await this.resolve(reference);
    return loadVerified(version, (artifact) => this.openArtifact(version, artifact.path).then((opened) => opened.stream));
  }

  /** Creates the model-updates topic (idempotent). */
  ensureTopic(): Promise<void> {
    this.topicReady ??= this.ports.bus.ensureTopic(modelUpdatesTopic.name, { partitions: 1, retentionMs: UPDATES_RETENTION_MS }).catch((error) => {
      this.topicReady = undefined;
      throw error;
    });
    return this.topicReady;
  }

  private async announce(update: ModelUpdate): Promise<void> {
    try {
      await this.ensureTopic();
      await publish(this.ports.bus, modelUpdatesTopic, [update]);
    } catch (error) {
      // The version or move is committed; followers also re-read the registry on a timer, so they catch up.
      this.ports.logger.warn({ err: error, update }, 'could not announce on model-updates; followers will catch up when they next check the registry');
    }
  }

  /** The next free number for a model, claimed with a create-only insert: a lost race tries the next. */
  private async claim(name: string): Promise<number> {
    for (let attempt = 0; attempt < 1000; attempt++) {
      const [last] = await this.ports.store.query<VersionDoc>(COLLECTIONS.versions, { field: 'version', where: { name }, order: 'desc', limit: 1 });
      const version = (last?.version ?? 0) + 1;
      const claimed = await this.ports.store.insert(COLLECTIONS.versions, {
        _key: versionKey(name, version),
        name,
        version,
        status: 'pending',
        claimed_ms: Date.now(),
        owner: randomUUID(),
      });
      if (claimed) return version;
    }
    throw new Error(`could not claim a version number for ${name}: too many concurrent registrations`);
  }

  /**
   * Gives up a claim: its number becomes free again. What it wrote to the object store is removed when
   * the store can be reached; otherwise the next claim of the number clears it before writing.
   */
  private async discard(name: string, version: number): Promise<void> {
    try {
      await this.clear(versionPrefix(name, version));
    } catch (error) {
      this.ports.logger.warn(
        { err: error, model: name, version },
        `could not remove what the failed registration wrote (${errorMessage(error)}); the next claim of the number will`,
      );
    }
    await this.ports.store.remove(COLLECTIONS.versions, versionKey(name, version));
  }

  private async clear(prefix: string): Promise<void> {
    for (const object of await this.ports.objects.list(prefix)) await this.ports.objects.delete(object.key);
  }

  private async sweepAbandoned(name: string): Promise<void> {
    const pending = await this.ports.store.query<VersionDoc>(COLLECTIONS.versions, {
      field: 'claimed_ms',
      to: Date.now() - ABANDONED_AFTER_MS,
      where: { name, status: 'pending' },
    });
    for (const doc of pending) await this.discard(name, doc.version);
  }

  private async requireModel(name: string): Promise<void> {
    if (!(await this.ports.store.get(COLLECTIONS.models, name))) throw new ModelNotFoundError(`no model named ${name}`);
  }

  private async readyVersion(name: string, version: number): Promise<VersionDoc> {
    const doc = await this.ports.store.get<VersionDoc>(COLLECTIONS.versions, versionKey(name, version));
    if (doc?.status !== 'ready') throw new ModelNotFoundError(`model ${name} has no version ${version}`);
    return doc;
  }

  private readyVersions(name: string, order: 'asc' | 'desc', limit?: number): Promise<VersionDoc[]> {
    return this.ports.store.query<VersionDoc>(COLLECTIONS.versions, { field: 'version', where: { name, status: 'ready' }, order, ...(limit ? { limit } : {}) });
  }

  private aliases(name: string): Promise<AliasDoc[]> {
    return this.ports.store.query<AliasDoc>(COLLECTIONS.aliases, { field: 'updated_at', where: { name } });
  }
}

/** A tfjs version must load: model.json (read into memory, it is small) names only shards that were given. */
async function checkedTfjs(uploads: readonly ArtifactUpload[], paths: readonly string[]): Promise<readonly ArtifactUpload[]> {
  const index = paths.indexOf(TFJS_MODEL_FILE);
  const upload = uploads[index];
  let text: string | undefined;
  if (upload) {
    const { body } = upload;
    if (typeof body === 'string') text = body;
    else if (body instanceof Uint8Array) text = new TextDecoder().decode(body);
    else {
      const chunks: Uint8Array[] = [];
      for await (const chunk of body) chunks.push(chunk);
      text = Buffer.concat(chunks).toString('utf8');
    }
  }
  const problem = tfjsProblem(paths, text);
  if (problem) throw new ModelRequestError('artifacts', problem);
  return uploads.map((u, i) => (i === index ? { ...u, body: text! } : u));
}

function view(doc: VersionDoc, aliases: readonly AliasDoc[]): ModelVersion {
  const { _key, status, claimed_ms, owner, ...version } = doc;
  return {
    ...version,
    aliases: aliases
      .filter((a) => a.version === doc.version)
      .map((a) => a.alias)
      .sort(),
  };
}
