// The Store contract against a real ArangoDB, only when ARANGO_URL points at one; each run gets its own
// database, dropped afterwards. The offline checks at the end always run.
import { randomUUID } from 'node:crypto';
import { Database } from 'arangojs';
import { afterAll, describe, expect, it } from 'vitest';
import { ArangoStore } from '../../shared/adapters/arango/arango-store.ts';
import { storeContract } from './store.contract.ts';

const url = process.env.ARANGO_URL;
const username = process.env.ARANGO_USER || 'root';
const password = process.env.ARANGO_PASSWORD ?? '';

describe.runIf(url)('ArangoDB store on a server', () => {
  const database = `streamforge_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  afterAll(async () => {
    const system = new Database({ url, auth: { username, password } });
    try {
      if (await system.database(database).exists()) await system.dropDatabase(database);
    } finally {
      system.close();
    }
  });
  const open = () => ArangoStore.connect({ url: url!, database, username, password });
  storeContract('arango', open, open);
});

describe('ArangoDB store without a server', () => {
  it('rejects an invalid collection name before any network call', async () => {
    // Nothing listens on port 1: reaching the network would fail with a connection error instead.
    const store = new ArangoStore({ url: 'http://127.0.0.1:1', database: 'streamforge' });
    await expect(store.upsert('bad name!', [{ _key: '1' }])).rejects.toThrow(new Error('invalid collection name "bad name!"'));
    await expect(store.upsert('_system_like', [{ _key: '1' }])).rejects.toThrow(/ArangoDB reserves a leading underscore/);
    await store.close();
  });
});
