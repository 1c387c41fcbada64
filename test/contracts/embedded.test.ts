import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../shared/adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { busContract } from './bus.contract.ts';
import { storeContract } from './store.contract.ts';

busContract('embedded', async () => new MemoryBus());
storeContract('sqlite', async () => new SqliteStore(join(await mkdtemp(join(tmpdir(), 'sf-store-')), 'store.db')));

describe('sqlite store durability', () => {
  it('keeps documents across a reopen of its file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'sf-store-')), 'store.db');
    const first = new SqliteStore(file);
    await first.upsert('workflows', [{ _key: 'wf-1', status: 'running' }]);
    await first.close();
    const second = new SqliteStore(file);
    expect(await second.get('workflows', 'wf-1')).toEqual({ _key: 'wf-1', status: 'running' });
    expect(await second.listCollections()).toEqual(['workflows']);
    await second.close();
  });
});

describe('filesystem object store', () => {
  it('puts, gets, lists by prefix and deletes', async () => {
    const store = new FsObjectStore(await mkdtemp(join(tmpdir(), 'sf-objects-')));
    await store.put('models/gcn/1/model.json', '{"a":1}');
    await store.put('models/gcn/2/model.json', new Uint8Array([1, 2, 3]));
    await store.put('other/x.bin', 'x');
    expect(new TextDecoder().decode(await store.get('models/gcn/1/model.json'))).toBe('{"a":1}');
    expect((await store.list('models/')).map((o) => [o.key, o.size])).toEqual([
      ['models/gcn/1/model.json', 7],
      ['models/gcn/2/model.json', 3],
    ]);
    await store.delete('models/gcn/1/model.json');
    expect(await store.get('models/gcn/1/model.json')).toBeUndefined();
    await expect(store.put('../escape', 'x')).rejects.toThrow(/invalid object key/);
  });
});
