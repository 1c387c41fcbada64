// The model registry's routes as OpenAPI definitions (validated by the same schemas).
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { aliasSchema, modelNameSchema, modelVersionSchema, registeredModelSchema } from '../../shared/contracts/models.ts';

const errorSchema = z.object({ error: z.string(), field: z.string().optional() }).meta({ id: 'Error' });
const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const invalid = json(errorSchema, 'a field is invalid; `field` names it');
const notFound = json(errorSchema, 'no such model, version or alias');
const unavailable = json(errorSchema, 'the object store cannot be reached; nothing was changed, try again');

const nameParam = modelNameSchema.meta({ param: { name: 'name', in: 'path' }, example: 'gcn-btc-eth' });
/** A version number, an alias, or "latest". */
export const versionSelectorSchema = z
  .string()
  .regex(/^(?:[1-9]\d{0,8}|[a-z][a-z0-9_-]{0,31})$/, 'must be a version number, an alias or "latest"')
  .meta({ param: { name: 'version', in: 'path' }, example: 'champion' });

export const modelListSchema = z.object({ models: z.array(registeredModelSchema) }).meta({ id: 'ModelList' });
export const versionListSchema = z.object({ name: z.string(), versions: z.array(modelVersionSchema) }).meta({ id: 'ModelVersionList' });
export const aliasBodySchema = z.strictObject({ version: z.number().int().positive() }).meta({ id: 'AliasTarget', example: { version: 3 } });

export const listModelsRoute = createRoute({
  method: 'get',
  path: '/models',
  summary: 'Registered models with their newest version and aliases',
  responses: { 200: json(modelListSchema, 'the models') },
});

export const getModelRoute = createRoute({
  method: 'get',
  path: '/models/{name}',
  summary: 'One registered model',
  request: { params: z.object({ name: nameParam }) },
  responses: { 200: json(registeredModelSchema, 'the model'), 400: invalid, 404: notFound },
});

export const listVersionsRoute = createRoute({
  method: 'get',
  path: '/models/{name}/versions',
  summary: "A model's versions, oldest first, with artifacts, checksums, metrics and lineage",
  request: { params: z.object({ name: nameParam }) },
  responses: { 200: json(versionListSchema, 'the versions'), 400: invalid, 404: notFound },
});

export const getVersionRoute = createRoute({
  method: 'get',
  path: '/models/{name}/versions/{version}',
  summary: 'One version, by number, alias (champion) or latest',
  request: { params: z.object({ name: nameParam, version: versionSelectorSchema }) },
  responses: { 200: json(modelVersionSchema, 'the version'), 400: invalid, 404: notFound },
});

export const deleteVersionRoute = createRoute({
  method: 'delete',
  path: '/models/{name}/versions/{version}',
  summary: "Delete a version's artifacts; its number is never given again. A version an alias points at is refused",
  request: {
    params: z.object({
      name: nameParam,
      version: z
        .string()
        .regex(/^[1-9]\d{0,8}$/, 'must be a version number')
        .meta({ param: { name: 'version', in: 'path' }, example: '3' }),
    }),
  },
  responses: { 204: { description: 'deleted' }, 400: invalid, 404: notFound },
});

export const setAliasRoute = createRoute({
  method: 'put',
  path: '/models/{name}/aliases/{alias}',
  summary: 'Point an alias at a version (creating or moving it); announced on model-updates',
  request: {
    params: z.object({ name: nameParam, alias: aliasSchema.meta({ param: { name: 'alias', in: 'path' }, example: 'champion' }) }),
    body: { required: true, content: { 'application/json': { schema: aliasBodySchema } } },
  },
  responses: { 200: json(modelVersionSchema, 'the version the alias points at now'), 400: invalid, 404: notFound },
});

export const deleteAliasRoute = createRoute({
  method: 'delete',
  path: '/models/{name}/aliases/{alias}',
  summary: 'Remove an alias',
  request: { params: z.object({ name: nameParam, alias: aliasSchema.meta({ param: { name: 'alias', in: 'path' } }) }) },
  responses: { 204: { description: 'removed' }, 400: invalid, 404: notFound },
});

/** Documented here, handled by hand: multipart bodies and byte streams are not JSON. */
export const registerVersionDoc = {
  method: 'post',
  path: '/models/{name}/versions',
  summary: 'Register the next version: multipart/form-data with one `artifact` part per file (its filename is the path in the version) and an optional `metadata` JSON part',
  request: {
    params: z.object({ name: nameParam }),
    body: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: z.object({
            metadata: z.string().optional().describe('JSON: {framework, description, hyperparameters, metrics, lineage: {workflow_id, symbols, time_range, parent}}'),
            artifact: z.array(z.string().meta({ format: 'binary' })).describe('the files of the model, e.g. model.json and its weight shards'),
          }),
        },
      },
    },
  },
  responses: {
    201: json(modelVersionSchema, 'registered'),
    400: invalid,
    413: json(errorSchema, 'body too large'),
    415: json(errorSchema, 'not multipart/form-data'),
    503: unavailable,
  },
} as const;

export const downloadArtifactDoc = {
  method: 'get',
  path: '/models/{name}/versions/{version}/artifacts/{path}',
  summary: "One artifact's bytes, streamed; ETag and Repr-Digest carry the SHA-256 it was registered with, for the client to check (the CLI's download does)",
  request: { params: z.object({ name: nameParam, version: versionSelectorSchema, path: z.string().meta({ param: { name: 'path', in: 'path' }, example: 'model.json' }) }) },
  responses: { 200: { description: 'the artifact', content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } } }, 404: notFound, 503: unavailable },
} as const;
