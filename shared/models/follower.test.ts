// The follower when a new version cannot be loaded: a passing failure (the object store away) is tried
// again at the next registry check; bytes that are not the registered ones stay refused.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tinyArtifacts } from '../../test/contracts/model-registry.contract.ts';
import { tempDir } from '../../test/helpers.ts';
import { FsObjectStore } from '../adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../adapters/embedded/sqlite-store.ts';
import { Instrumentation } from '../harness/instrumentation.ts';
import { silentLogger } from '../logger.ts';
import { ObjectStoreUnavailableError } from '../ports/object-store.ts';
import { ArtifactIntegrityError } from './errors.ts';
import { ModelFollower } from './follower.ts';
import { ModelRegistry } from './registry.ts';

/** Filesystem objects whose next download fails as an unreachable S3 server's would. */
class FlakyObjects extends FsObjectStore {
  failNext = false;
  override async stream(key: string) {
    if (this.failNext) {
      this.failNext = false;
      throw new ObjectStoreUnavailableError(`object store unavailable (get ${key}): connect ECONNREFUSED`);
    }
    return super.stream(key);
  }
}

async function until(what: string, done: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('model follower when a version cannot be loaded', () => {
  it('tries a version again after the object store was away, and never loads one whose bytes were changed', async () => {
    const root = await tempDir('sf-follower-');
    const objects = new FlakyObjects(join(root, 'objects'));
    const ports = { store: new SqliteStore(join(root, 'store.db')), objects, bus: new MemoryBus(), logger: silentLogger, instrumentation: new Instrumentation() };
    const registry = new ModelRegistry(ports);
    for (const w of [1, 2, 3]) await registry.register({ name: 'gcn', artifacts: tinyArtifacts([w]) });
    await registry.setAlias('gcn', 'champion', 1);
    const refused: { version: number; error: Error }[] = [];
    const follower = await ModelFollower.start({
      registry,
      ports,
      reference: 'models:/gcn@champion',
      load: () => ({}),
      reconcileMs: 100,
      onRefused: (version, error) => refused.push({ version, error }),
    });
    try {
      objects.failNext = true;
      await registry.setAlias('gcn', 'champion', 2);
      await until('the failed load of v2 reported', () => refused.length === 1);
      expect(refused[0]).toMatchObject({ version: 2, error: expect.any(ObjectStoreUnavailableError) });
      expect(follower.current().version.version).toBe(1);
      await until('v2 swapped in at a registry check', () => follower.current().version.version === 2);

      await writeFile(join(root, 'objects', 'models/gcn/versions/3/artifacts/group1-shard1of1.bin'), new Uint8Array(8).fill(9));
      await registry.setAlias('gcn', 'champion', 3);
      await until('the tampered v3 refused', () => refused.length === 2);
      expect(refused[1]).toMatchObject({ version: 3, error: expect.any(ArtifactIntegrityError) });
      // Ten registry checks later: refused once, never loaded.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(refused).toHaveLength(2);
      expect(follower.current().version.version).toBe(2);
    } finally {
      await follower.stop();
      await ports.store.close();
      await ports.bus.close();
    }
  });
});
