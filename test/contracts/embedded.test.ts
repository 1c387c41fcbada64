import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseSync } from 'node:sqlite';
import { FsObjectStore } from '../../shared/adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteResults } from '../../shared/adapters/embedded/sqlite-results.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { busContract } from './bus.contract.ts';
import { objectStoreContract } from './object-store.contract.ts';
import { describeResultsStore, type ResultsProbe } from './results.contract.ts';
import { storeContract } from './store.contract.ts';

busContract('embedded', async () => new MemoryBus());
const sqliteFile = join(await mkdtemp(join(tmpdir(), 'sf-store-')), 'store.db');
storeContract(
  'sqlite',
  async () => new SqliteStore(sqliteFile),
  async () => new SqliteStore(sqliteFile),
);

describeResultsStore('sqlite :memory:', async () => new SqliteResults(':memory:'));
const resultsFile = join(await mkdtemp(join(tmpdir(), 'sf-results-')), 'results.db');
describeResultsStore('sqlite file', async () => new SqliteResults(resultsFile), sqliteProbe(resultsFile));

/** Reads the results file through a connection of its own, as an analyst's sqlite3 would. */
function sqliteProbe(file: string): ResultsProbe {
  const read = <T>(work: (db: DatabaseSync) => T): T => {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      return work(db);
    } finally {
      db.close();
    }
  };
  const tables = ['backtest_runs', 'backtest_summaries', 'backtest_folds', 'backtest_equity', 'backtest_trades'];
  return {
    appliedVersions: async () =>
      read((db) =>
        db
          .prepare('SELECT version FROM schema_migrations ORDER BY version')
          .all()
          .map((row) => String(row.version)),
      ),
    rowCounts: async (runId) =>
      read((db) => Object.fromEntries(tables.map((table) => [table, Number(db.prepare(`SELECT count(*) AS n FROM ${table} WHERE run_id = ?`).get(runId)?.n)]))),
  };
}

describe('embedded bus retention', () => {
  const fill = (bus: MemoryBus, topic: string, count: number, bytes = 100) =>
    bus.publish(
      topic,
      Array.from({ length: count }, (_, i) => ({ key: 'k', value: `${i}:`.padEnd(bytes, '.') })),
    );

  it('keeps at most the retained bytes per partition, dropping the oldest; readers behind skip to the head', async () => {
    const bus = new MemoryBus({ retention: { bytes: 10_000 } });
    await bus.ensureTopic('t', { partitions: 1 });
    await fill(bus, 't', 1000);
    const sizes = bus.sizes();
    expect(sizes.t).toBeLessThanOrEqual(10_000);
    expect(sizes.t).toBeGreaterThan(9_000);
    const sub = bus.subscribe({ group: 'late', topics: ['t'] });
    const first = (await sub[Symbol.asyncIterator]().next()).value!;
    await sub.close();
    const retained = Math.floor(10_000 / 165);
    expect(first.records[0]!.offset).toBe(1000 - retained);
    expect(first.records[0]!.value.startsWith(`${1000 - retained}:`)).toBe(true);
    expect((await bus.lag('late', 't'))[0]).toMatchObject({ endOffset: 1000, committedOffset: 1000 - retained, lag: retained });
    await bus.close();
  });

  it('deletes records older than the retention time, on publish and on its periodic sweep', async () => {
    const bus = new MemoryBus({ retention: { ms: 200 }, sweepEveryMs: 50 });
    await bus.ensureTopic('t', { partitions: 1 });
    await fill(bus, 't', 10);
    expect(bus.sizes().t).toBe(10 * 165);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(bus.sizes().t).toBe(0);
    expect((await bus.lag('anyone', 't'))[0]).toMatchObject({ endOffset: 10, committedOffset: 10, lag: 0 });
    await bus.close();
  });
});

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

objectStoreContract('filesystem', async () => new FsObjectStore(await mkdtemp(join(tmpdir(), 'sf-objects-'))));

describe('filesystem object store keys', () => {
  it('refuses a key that would leave its directory or is not an S3-safe key', async () => {
    const store = new FsObjectStore(await mkdtemp(join(tmpdir(), 'sf-objects-')));
    for (const key of ['../escape', 'a/../../b', '/absolute', 'a//b', 'a/./b', 'spaces are not safe']) {
      await expect(store.put(key, 'x')).rejects.toThrow(`invalid object key "${key}"`);
    }
    expect(await store.list()).toEqual([]);
  });
});
