// The model registry over HTTP: list, inspect, register (multipart upload), move aliases, and stream
// artifacts. Registry errors become 404 (unknown), 400 (naming the field) and 503 (object store away).
import { Readable } from 'node:stream';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { type ModelVersion, modelNameSchema } from '../../shared/contracts/models.ts';
import { describeInvalid, errorMessage } from '../../shared/errors.ts';
import { httpError } from '../../shared/http/errors.ts';
import { ModelNotFoundError, ModelRequestError, ObjectStoreUnavailableError } from '../../shared/models/errors.ts';
import type { ArtifactUpload, ModelRegistry } from '../../shared/models/registry.ts';
import {
  deleteAliasRoute,
  deleteVersionRoute,
  downloadArtifactDoc,
  getModelRoute,
  getVersionRoute,
  listModelsRoute,
  listVersionsRoute,
  modelListSchema,
  registerVersionDoc,
  setAliasRoute,
  versionListSchema,
  versionSelectorSchema,
} from './models-api.ts';

/** Largest registration accepted over HTTP; the body is held in memory while it is parsed. */
export const DEFAULT_MAX_UPLOAD_BYTES = 256 * 1024 * 1024;

/** A registry failure as the HTTP answer it deserves (the app's onError applies it); anything else is left as it is. */
export function registryErrorAsHttp(error: Error): Error {
  if (error instanceof ModelNotFoundError) return httpError(404, error.message, { cause: error });
  if (error instanceof ModelRequestError) return httpError(400, error.message, { field: error.field, cause: error });
  if (error instanceof ObjectStoreUnavailableError) return httpError(503, `${error.message}; nothing was changed, try again`, { cause: error });
  return error;
}

function reference(name: string, selector: string): string {
  const checkedName = modelNameSchema.safeParse(name);
  if (!checkedName.success) throw httpError(400, `name: ${checkedName.error.issues[0]!.message}`, { field: 'name' });
  const parsed = versionSelectorSchema.safeParse(selector);
  if (!parsed.success) throw httpError(400, `version: ${describeInvalid(parsed.error).replace(/^record: /, '')}`, { field: 'version' });
  return /^\d+$/.test(selector) || selector === 'latest' ? `models:/${name}/${selector}` : `models:/${name}@${selector}`;
}

function resolve(registry: ModelRegistry, name: string, selector: string): Promise<ModelVersion> {
  return registry.resolve(reference(name, selector));
}

export function mountModelRoutes(app: OpenAPIHono, registry: ModelRegistry, options: { maxUploadBytes?: number } = {}): void {
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  app.openapi(listModelsRoute, async (c) => c.json(modelListSchema.parse({ models: await registry.listModels() }), 200));

  app.openapi(getModelRoute, async (c) => {
    const { name } = c.req.valid('param');
    const model = await registry.model(name);
    if (!model) throw httpError(404, `no model named ${name}`, { field: 'name' });
    return c.json(model, 200);
  });

  app.openapi(listVersionsRoute, async (c) => {
    const { name } = c.req.valid('param');
    return c.json(versionListSchema.parse({ name, versions: await registry.versions(name) }), 200);
  });

  app.openapi(getVersionRoute, async (c) => {
    const { name, version } = c.req.valid('param');
    return c.json(await resolve(registry, name, version), 200);
  });

  app.openapi(deleteVersionRoute, async (c) => {
    const { name, version } = c.req.valid('param');
    await registry.deleteVersion(name, Number(version));
    return c.body(null, 204);
  });

  app.openapi(setAliasRoute, async (c) => {
    const { name, alias } = c.req.valid('param');
    const { version } = c.req.valid('json');
    return c.json(await registry.setAlias(name, alias, version), 200);
  });

  app.openapi(deleteAliasRoute, async (c) => {
    const { name, alias } = c.req.valid('param');
    await registry.deleteAlias(name, alias);
    return c.body(null, 204);
  });

  app.openAPIRegistry.registerPath(registerVersionDoc);
  app.post(
    '/models/:name/versions',
    bodyLimit({ maxSize: maxUpload, onError: () => httpError(413, `registration too large (limit ${maxUpload} bytes, MODEL_UPLOAD_MAX_BYTES)`).getResponse() }),
    async (c) => {
      const name = c.req.param('name');
      const parsedName = modelNameSchema.safeParse(name);
      if (!parsedName.success) throw httpError(400, `name: ${parsedName.error.issues[0]!.message}`, { field: 'name' });
      const type = c.req.header('content-type') ?? '';
      if (!/^multipart\/form-data\s*;/i.test(type)) {
        throw httpError(415, `content-type: POST /models/{name}/versions takes multipart/form-data, not ${type ? `"${type}"` : 'a body without a content type'}`, {
          field: 'content-type',
        });
      }
      const { artifacts, metadata } = await readRegistration(c);
      const version = await registry.register({ name, artifacts, ...metadata, signal: c.req.raw.signal });
      c.header('location', `/models/${name}/versions/${version.version}`);
      return c.json(version, 201);
    },
  );

  app.openAPIRegistry.registerPath(downloadArtifactDoc);
  app.get('/models/:name/versions/:version/artifacts/*', async (c) => {
    const { name, version: selector } = c.req.param();
    const path = decodeURIComponent(c.req.path.slice(c.req.path.indexOf('/artifacts/') + '/artifacts/'.length));
    const version = await resolve(registry, name, selector);
    const { artifact, stream } = await registry.openArtifact(version, path);
    return new Response(Readable.toWeb(Readable.from(stream.body)) as ReadableStream<Uint8Array>, {
      status: 200,
      headers: {
        'content-type': 'application/octet-stream',
        'content-length': String(artifact.size),
        etag: `"${artifact.sha256}"`,
        'repr-digest': `sha-256=:${Buffer.from(artifact.sha256, 'hex').toString('base64')}:`,
        'x-model-version': version.uri,
      },
    });
  });
}

async function readRegistration(c: Context): Promise<{ artifacts: ArtifactUpload[]; metadata: Record<string, unknown> }> {
  let form: Record<string, string | File | (string | File)[]>;
  try {
    form = await c.req.parseBody({ all: true });
  } catch (error) {
    throw httpError(400, `body: not a readable multipart/form-data body (${errorMessage(error)})`, { field: 'body' });
  }
  const files = [form.artifact ?? []].flat();
  if (files.length === 0) throw httpError(400, 'artifact: give one `artifact` part per file of the model (its filename is its path in the version)', { field: 'artifact' });
  const artifacts = files.map((file, i) => {
    if (typeof file === 'string') throw httpError(400, `artifact[${i}]: must be a file part with a filename`, { field: `artifact[${i}]` });
    return { path: file.name, body: file.stream() as unknown as AsyncIterable<Uint8Array>, ...(file.type ? { contentType: file.type } : {}) };
  });
  const text = form.metadata;
  if (text === undefined) return { artifacts, metadata: {} };
  if (typeof text !== 'string') throw httpError(400, 'metadata: must be a JSON text part, not a file', { field: 'metadata' });
  try {
    const metadata = JSON.parse(text) as unknown;
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) throw new Error('not an object');
    return { artifacts, metadata: metadata as Record<string, unknown> };
  } catch (error) {
    throw httpError(400, `metadata: must be a JSON object (${errorMessage(error)})`, { field: 'metadata' });
  }
}
