// The model registry over HTTP (embedded ports): register by multipart upload, read, move aliases,
// download with checksums; every answer matches the OpenAPI document; bad input is named.
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../shared/adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { silentLogger } from '../../shared/logger.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import { registrationForm, tinyTfjsModel } from '../../test/contracts/model-registry.contract.ts';
import { openApiChecker } from '../../test/openapi.ts';
import { createOrchestratorApp } from './app.ts';
import { WorkflowEngine } from './engine.ts';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('model registry API', () => {
  let app: ReturnType<typeof createOrchestratorApp>;
  let objectsDir: string;
  beforeEach(async () => {
    const root = await mkdtemp(join(tmpdir(), 'sf-models-api-'));
    objectsDir = join(root, 'objects');
    const ports = {
      bus: new MemoryBus(),
      store: new SqliteStore(':memory:'),
      objects: new FsObjectStore(objectsDir),
      logger: silentLogger,
      instrumentation: new Instrumentation(),
    };
    const engine = new WorkflowEngine({ ...ports, image: (t) => `streamforge/${t}:test` });
    app = createOrchestratorApp({ engine, store: ports.store, logger: silentLogger, registry: new ModelRegistry(ports), maxUploadBytes: 64 * 1024 });
  });
  const register = (name: string, form: FormData) => app.request(`/models/${name}/versions`, { method: 'POST', body: form });
  const json = (method: string, path: string, body: unknown) => app.request(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('registers, lists, reads, moves aliases and downloads, every answer as the OpenAPI document says', async () => {
    const { doc, check } = await openApiChecker(app);
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/models'))).toEqual([
      '/models',
      '/models/{name}',
      '/models/{name}/versions',
      '/models/{name}/versions/{version}',
      '/models/{name}/aliases/{alias}',
      '/models/{name}/versions/{version}/artifacts/{path}',
    ]);
    const metadata = {
      hyperparameters: { hidden: 16 },
      metrics: { val_loss: 0.3 },
      lineage: { workflow_id: 'wf-20240801-a1b2c3', symbols: ['BTCUSDT'], time_range: '2024-08-01:2024-08-02' },
    };
    const created = await register('gcn', registrationForm([1, 2], metadata));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/models/gcn/versions/1');
    const v1 = (await check('post', '/models/gcn/versions', '/models/{name}/versions', created)) as { version: number; artifacts: unknown[] };
    expect(v1).toMatchObject({ version: 1, framework: 'tfjs', ...metadata });
    const { modelJson, shard } = tinyTfjsModel([1, 2]);
    expect(v1.artifacts).toEqual([
      { path: 'group1-shard1of1.bin', size: 12, sha256: sha256(shard) },
      { path: 'model.json', size: Buffer.byteLength(modelJson), sha256: sha256(modelJson) },
    ]);
    await check('post', '/models/gcn/versions', '/models/{name}/versions', await register('gcn', registrationForm([3, 4])));

    const moved = (await check(
      'put',
      '/models/gcn/aliases/champion',
      '/models/{name}/aliases/{alias}',
      await json('PUT', '/models/gcn/aliases/champion', { version: 1 }),
    )) as object;
    expect(moved).toMatchObject({ version: 1, aliases: ['champion'] });
    expect(await check('get', '/models', '/models', await app.request('/models'))).toEqual({
      models: [{ name: 'gcn', created_at: expect.any(String), latest_version: 2, aliases: { champion: 1 } }],
    });
    expect(await check('get', '/models/gcn', '/models/{name}', await app.request('/models/gcn'))).toMatchObject({ latest_version: 2 });
    const versions = (await check('get', '/models/gcn/versions', '/models/{name}/versions', await app.request('/models/gcn/versions'))) as { versions: { version: number }[] };
    expect(versions.versions.map((v) => v.version)).toEqual([1, 2]);
    for (const [selector, version] of [
      ['1', 1],
      ['champion', 1],
      ['latest', 2],
    ] as const) {
      const body = await check('get', `/models/gcn/versions/${selector}`, '/models/{name}/versions/{version}', await app.request(`/models/gcn/versions/${selector}`));
      expect(body).toMatchObject({ version });
    }

    const download = await app.request('/models/gcn/versions/champion/artifacts/group1-shard1of1.bin');
    expect(download.status).toBe(200);
    expect(download.headers.get('etag')).toBe(`"${sha256(shard)}"`);
    expect(download.headers.get('repr-digest')).toBe(`sha-256=:${createHash('sha256').update(shard).digest('base64')}:`);
    expect(download.headers.get('x-model-version')).toBe('models:/gcn/1');
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(shard);
    expect(await (await app.request('/models/gcn/versions/2/artifacts/model.json')).text()).toBe(tinyTfjsModel([3, 4]).modelJson);

    const pointed = await app.request('/models/gcn/versions/1', { method: 'DELETE' });
    expect(await check('delete', '/models/gcn/versions/1', '/models/{name}/versions/{version}', pointed)).toEqual({
      error: 'version: models:/gcn/1 is what @champion points at; move or remove it first',
      field: 'version',
    });
    expect((await app.request('/models/gcn/versions/2', { method: 'DELETE' })).status).toBe(204);
    await check('delete', '/models/gcn/versions/2', '/models/{name}/versions/{version}', await app.request('/models/gcn/versions/2', { method: 'DELETE' }));
    expect(((await (await app.request('/models/gcn/versions')).json()) as { versions: { version: number }[] }).versions.map((v) => v.version)).toEqual([1]);
    const removed = await app.request('/models/gcn/aliases/champion', { method: 'DELETE' });
    expect(removed.status).toBe(204);
    await check('get', '/models/gcn/versions/champion', '/models/{name}/versions/{version}', await app.request('/models/gcn/versions/champion'));
    await check('delete', '/models/gcn/aliases/champion', '/models/{name}/aliases/{alias}', await app.request('/models/gcn/aliases/champion', { method: 'DELETE' }));
  });

  it.each([
    ['GET', '/models/nope', 404, { error: 'no model named nope', field: 'name' }],
    ['GET', '/models/nope/versions', 404, { error: 'no model named nope' }],
    ['GET', '/models/gcn/versions/9', 404, { error: 'model gcn has no version 9' }],
    ['GET', '/models/gcn/versions/champion', 404, { error: 'model gcn has no alias "champion"' }],
    ['GET', '/models/gcn/versions/1/artifacts/nope.bin', 404, { error: 'models:/gcn/1 has no artifact "nope.bin"' }],
    ['GET', '/models/Bad%20Name', 400, { error: 'name: must be 1-63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit', field: 'name' }],
    ['GET', '/models/gcn/versions/0', 400, { error: 'version: must be a version number, an alias or "latest"', field: 'version' }],
    ['DELETE', '/models/gcn/versions/champion', 400, { error: 'version: must be a version number', field: 'version' }],
    ['DELETE', '/models/gcn/versions/7', 404, { error: 'model gcn has no version 7' }],
    [
      'GET',
      '/models/Bad/versions/1/artifacts/model.json',
      400,
      { error: 'name: must be 1-63 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit', field: 'name' },
    ],
    ['GET', '/models/gcn/versions/v1/artifacts/model.json', 404, { error: 'model gcn has no alias "v1"' }],
    ['GET', '/models/gcn/versions/0/artifacts/model.json', 400, { error: 'version: must be a version number, an alias or "latest"', field: 'version' }],
    ['GET', '/models/gcn/versions/1/artifacts/..%2Fversion.json', 404, { error: 'models:/gcn/1 has no artifact "../version.json"' }],
  ])('%s %s → %i', async (method, path, status, body) => {
    await register('gcn', registrationForm([1]));
    const response = await app.request(path, { method });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual(body);
  });

  it('refuses an alias to a missing version (400 naming version), a bad body and a bad alias, changing nothing', async () => {
    await register('gcn', registrationForm([1]));
    expect(await (await json('PUT', '/models/gcn/aliases/champion', { version: 5 })).json()).toEqual({
      error: 'version: models:/gcn/5 does not exist, so @champion cannot point at it',
      field: 'version',
    });
    expect((await json('PUT', '/models/gcn/aliases/champion', { version: 'two' })).status).toBe(400);
    expect(await (await json('PUT', '/models/gcn/aliases/latest', { version: 1 })).json()).toMatchObject({ field: 'alias' });
    expect(await (await json('PUT', '/models/nope/aliases/champion', { version: 1 })).json()).toEqual({ error: 'no model named nope' });
    expect(await (await app.request('/models')).json()).toMatchObject({ models: [{ name: 'gcn', aliases: {} }] });
  });

  it('refuses bad registrations with the field at fault, leaving no version behind', async () => {
    const none = new FormData();
    none.append('metadata', '{}');
    expect(await (await register('gcn', none)).json()).toMatchObject({ field: 'artifact' });
    expect(await (await register('gcn', registrationForm([1], '{not json'))).json()).toMatchObject({ field: 'metadata' });
    expect(await (await register('gcn', registrationForm([1], { metrics: { loss: 'low' } }))).json()).toMatchObject({ field: 'metadata' });
    const escaping = new FormData();
    escaping.append('artifact', new Blob(['x']), '../model.json');
    expect(await (await register('gcn', escaping)).json()).toMatchObject({ field: 'artifacts[0].path' });
    const notMultipart = await app.request('/models/gcn/versions', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(notMultipart.status).toBe(415);
    const tooLarge = new FormData();
    tooLarge.append('artifact', new Blob([new Uint8Array(100 * 1024)]), 'weights.bin');
    const large = await register('gcn', tooLarge);
    expect(large.status).toBe(413);
    expect(await large.json()).toEqual({ error: 'registration too large (limit 65536 bytes, MODEL_UPLOAD_MAX_BYTES)' });
    expect((await app.request('/models/gcn/versions')).status).toBe(404);
    expect(await (await app.request('/models')).json()).toEqual({ models: [] });
  });
});
