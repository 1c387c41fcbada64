// The results schema as PostgreSQL holds it, in a database of this file's own: what the platform's
// factory sets up, the column types an analyst sees, cascading deletes, and a refused login.
import { afterAll, describe, expect, it } from 'vitest';
import { createResultsStore } from '../../platform/ports.ts';
import { sampleRun } from '../backtest-runs.ts';
import { ownDatabase, withClient } from './postgres.ts';

const database = await ownDatabase('schema');
afterAll(() => database.drop());

describe('results schema on PostgreSQL', () => {
  it('is created by createResultsStore, which hands back a migrated store', async () => {
    const before = Date.now();
    const store = await createResultsStore({ kind: 'postgres', url: database.url });
    try {
      expect(store.kind).toBe('postgres');
      await store.ping();
      const applied = await withClient(database.url, async (c) => (await c.query('SELECT version, applied_at FROM schema_migrations')).rows);
      expect(applied).toHaveLength(1);
      expect(applied[0].version).toBe('001_backtest_results');
      expect(applied[0].applied_at.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    } finally {
      await store.close();
    }
  });

  it('gives times as timestamptz, numbers as double precision, counts as integer and JSON as text', async () => {
    const columns = await withClient(database.url, async (c) => {
      const sql = `SELECT table_name || '.' || column_name AS name, data_type FROM information_schema.columns
                   WHERE table_schema = current_schema() AND table_name LIKE 'backtest_%'`;
      return Object.fromEntries((await c.query(sql)).rows.map((r) => [r.name, r.data_type]));
    });
    expect(columns).toMatchObject({
      'backtest_runs.created_at': 'timestamp with time zone',
      'backtest_runs.range_from': 'timestamp with time zone',
      'backtest_runs.fee_rate': 'double precision',
      'backtest_folds.test_to': 'timestamp with time zone',
      'backtest_folds.params': 'text',
      'backtest_folds.bars': 'integer',
      'backtest_summaries.skipped': 'text',
      'backtest_equity.time': 'timestamp with time zone',
      'backtest_equity.position': 'double precision',
      'backtest_trades.decided_at': 'timestamp with time zone',
      'backtest_trades.side': 'text',
    });
    expect(Object.keys(columns).filter((name) => name.startsWith('backtest_folds.'))).toHaveLength(19);
  });

  it('deletes a run with everything under it when an analyst deletes the run row', async () => {
    const store = await createResultsStore({ kind: 'postgres', url: database.url });
    const saved = sampleRun({ runId: 'run-deleted-by-sql', seed: 31 });
    try {
      await store.saveRun(saved);
      const counts = () =>
        withClient(database.url, async (c) => {
          const sql = `SELECT (SELECT count(*) FROM backtest_summaries WHERE run_id = $1) + (SELECT count(*) FROM backtest_folds WHERE run_id = $1)
                            + (SELECT count(*) FROM backtest_equity WHERE run_id = $1) + (SELECT count(*) FROM backtest_trades WHERE run_id = $1) AS n`;
          return Number((await c.query(sql, [saved.run_id])).rows[0].n);
        });
      expect(await counts()).toBe(3 + 9 + 360 + 3 * 3);
      await withClient(database.url, (c) => c.query('DELETE FROM backtest_runs WHERE run_id = $1', [saved.run_id]));
      expect(await counts()).toBe(0);
      expect(await store.getRun(saved.run_id)).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('refuses to start with a wrong password, saying so', async () => {
    const wrong = new URL(database.url);
    wrong.password = 'not-the-password';
    await expect(createResultsStore({ kind: 'postgres', url: wrong.toString() })).rejects.toThrow(/password authentication failed/);
  });
});
