// The model registry on a real MinIO: its contract, an ordinary S3 client reading what it wrote, and the
// platform with MinIO going away mid-life (not ready, 503, nothing half-written) and coming back.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { silentLogger } from '../../shared/logger.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import type { LocalPlatform } from '../../platform/local.ts';
import { modelRegistryContract, registrationForm, tinyArtifacts } from '../contracts/model-registry.contract.ts';
import { api, startTestPlatform, tempDir } from '../helpers.ts';
import { freePort } from '../../platform/free-port.ts';
import { curlS3, freshBucket, ownMinio, s3Env, s3Store, suiteMinio } from './minio.ts';

const run = promisify(execFile);

function embeddedWith(objects: ReturnType<typeof s3Store>, dir: string) {
  const ports = { store: new SqliteStore(join(dir, 'store.db')), objects, bus: new MemoryBus(), logger: silentLogger, instrumentation: new Instrumentation() };
  return { ...ports, close: async () => void (await Promise.all([ports.store.close(), ports.bus.close(), ports.objects.close()])) };
}

modelRegistryContract(
  'MinIO',
  async () => embeddedWith(s3Store(suiteMinio(), freshBucket('registry')), await tempDir('sf-registry-')),
  async (ports, key, body) => void (await ports.objects.put(key, body)),
);

describe('the registry seen by an ordinary S3 client', () => {
  it('lists the layout README documents and reads artifacts that `sha256sum -c SHA256SUMS` accepts', async () => {
    const bucket = freshBucket('layout');
    const ports = embeddedWith(s3Store(suiteMinio(), bucket), await tempDir('sf-registry-'));
    const registry = new ModelRegistry(ports);
    const version = await registry.register({ name: 'gcn-s3', artifacts: tinyArtifacts([1, 2]), metrics: { val_loss: 0.1 } });

    const listing = await curlS3(`/${bucket}?list-type=2&prefix=models%2F`);
    const keys = [...listing.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]);
    expect(keys).toEqual([
      'models/gcn-s3/versions/1/SHA256SUMS',
      'models/gcn-s3/versions/1/artifacts/group1-shard1of1.bin',
      'models/gcn-s3/versions/1/artifacts/model.json',
      'models/gcn-s3/versions/1/version.json',
    ]);
    const described = JSON.parse(await curlS3(`/${bucket}/models/gcn-s3/versions/1/version.json`));
    expect(described).toMatchObject({ uri: 'models:/gcn-s3/1', sha256: version.sha256, metrics: { val_loss: 0.1 }, artifacts: version.artifacts });

    const dir = await tempDir('sf-download-');
    await writeFile(join(dir, 'SHA256SUMS'), await curlS3(`/${bucket}/models/gcn-s3/versions/1/SHA256SUMS`));
    for (const artifact of version.artifacts) await curlS3(`/${bucket}/models/gcn-s3/versions/1/artifacts/${artifact.path}`, ['-o', join(dir, artifact.path)]);
    const { stdout } = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir });
    expect(stdout.trim().split('\n').sort()).toEqual(['group1-shard1of1.bin: OK', 'model.json: OK']);
    await ports.close();
  });
});

describe('the platform when MinIO goes away', () => {
  let platform: LocalPlatform;
  let minio: Awaited<ReturnType<typeof ownMinio>>;
  let bucket: string;
  beforeAll(async () => {
    const dir = await tempDir('sf-minio-own-');
    await mkdir(dir, { recursive: true });
    minio = await ownMinio(dir, await freePort());
    bucket = freshBucket('outage');
    platform = await startTestPlatform(s3Env(minio.settings, bucket));
  });
  afterAll(async () => {
    await platform?.stop();
    await minio?.stop();
  });
  const register = (weights: number[]) => fetch(`${platform.url}/models/gcn-outage/versions`, { method: 'POST', body: registrationForm(weights) });

  it('is not ready and answers 503 to a registration, leaving no half-written version; back to normal when MinIO returns', async () => {
    expect((await api(platform, '/readyz')).body).toEqual({ status: 'ready', checks: { bus: 'ok', store: 'ok', objects: 'ok' } });
    expect((await register([1])).status).toBe(201);

    await minio.stop();
    const notReady = await api(platform, '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks).toMatchObject({ bus: 'ok', store: 'ok', objects: expect.stringMatching(/^object store unavailable \(bucket sf-outage-/) });
    const refused = await register([2]);
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /^object store unavailable \((list|put) models\/gcn-outage\/versions\/2\/[^)]*\): .*; nothing was changed, try again$/,
    );
    expect((await api(platform, '/models/gcn-outage/versions')).body.versions.map((v: { version: number }) => v.version)).toEqual([1]);

    await minio.start();
    expect((await api(platform, '/readyz')).status).toBe(200);
    const objects = await s3Store(minio.settings, bucket).list('models/gcn-outage/');
    expect(objects.map((o) => o.key).filter((key) => !key.startsWith('models/gcn-outage/versions/1/'))).toEqual([]);
    const next = await register([3]);
    expect(next.status).toBe(201);
    expect(((await next.json()) as { version: number }).version).toBe(2);
    expect((await api(platform, '/models/gcn-outage/versions')).body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });
});
