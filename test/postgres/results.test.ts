// The ResultsStore contract against a real PostgreSQL, in a database of this file's own; then a saved
// run read back the way an analyst would: plain SQL through node-postgres, and the psql client.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresResults } from '../../shared/adapters/postgres/pg-results.ts';
import { sampleRun } from '../backtest-runs.ts';
import { describeResultsStore, type ResultsProbe } from '../contracts/results.contract.ts';
import { ownDatabase, withClient } from './postgres.ts';

const run = promisify(execFile);
const database = await ownDatabase('results');
afterAll(() => database.drop());

const TABLES = ['backtest_runs', 'backtest_summaries', 'backtest_folds', 'backtest_equity', 'backtest_trades'];
const probe: ResultsProbe = {
  appliedVersions: () => withClient(database.url, async (c) => (await c.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)),
  rowCounts: (runId) =>
    withClient(database.url, async (c) => {
      const counts: Record<string, number> = {};
      for (const table of TABLES) counts[table] = Number((await c.query(`SELECT count(*) AS n FROM ${table} WHERE run_id = $1`, [runId])).rows[0].n);
      return counts;
    }),
};

describeResultsStore('postgres', async () => new PostgresResults(database.url), probe);

describe('backtest results in PostgreSQL, read with plain SQL', () => {
  const saved = sampleRun({ runId: 'run-read-by-sql', seed: 21, pointsPerResult: 500 });
  const byOwner = (a: { strategy: string; symbol: string }, b: { strategy: string; symbol: string }) =>
    a.strategy < b.strategy ? -1 : a.strategy > b.strategy ? 1 : a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;

  it('answers a query through node-postgres with the values that were saved', async () => {
    const store = new PostgresResults(database.url);
    try {
      await store.migrate();
      await store.saveRun(saved);
    } finally {
      await store.close();
    }
    const rows = await withClient(database.url, async (c) => {
      const sql = 'SELECT strategy, symbol, fold, sharpe, test_from, params FROM backtest_folds WHERE run_id = $1 ORDER BY strategy, symbol, fold';
      return (await c.query(sql, [saved.run_id])).rows;
    });
    const expected = [...saved.results].sort(byOwner).flatMap((r) =>
      r.folds.map((f) => ({
        strategy: r.strategy,
        symbol: r.symbol,
        fold: f.fold,
        sharpe: f.performance.sharpe,
        test_from: new Date(f.test.from),
        params: JSON.stringify(f.params),
      })),
    );
    expect(rows).toHaveLength(9);
    expect(rows).toEqual(expected);
  });

  it('answers the psql command-line client with the same numbers, to the last digit', async () => {
    const psql = async (sql: string) => (await run('psql', [database.url, '-X', '-At', '-F', '|', '-c', sql])).stdout.trim().split('\n');
    const equity = await psql(
      `SELECT strategy, symbol, count(*), (extract(epoch FROM min(time)) * 1000)::bigint, max(equity) FROM backtest_equity WHERE run_id = '${saved.run_id}' GROUP BY strategy, symbol ORDER BY strategy, symbol`,
    );
    expect(equity).toEqual([...saved.results].sort(byOwner).map((r) => `${r.strategy}|${r.symbol}|500|${r.equity[0]!.time}|${Math.max(...r.equity.map((p) => p.equity))}`));
    const summaries = await psql(`SELECT strategy, max_drawdown, sharpe, folds, skipped FROM backtest_summaries WHERE run_id = '${saved.run_id}' ORDER BY seq`);
    expect(summaries.map((line) => line.split('|'))).toEqual(
      saved.results.map((r) => [r.strategy, String(r.aggregate.max_drawdown), String(r.aggregate.sharpe ?? ''), '3', JSON.stringify(r.skipped)]),
    );
    const trades = await psql(`SELECT side, price, quantity FROM backtest_trades WHERE run_id = '${saved.run_id}' AND strategy = 'ppo' ORDER BY seq`);
    const ppo = saved.results.find((r) => r.strategy === 'ppo')!;
    expect(trades).toEqual(ppo.trades.map((t) => `${t.side}|${t.price}|${t.quantity}`));
    expect(trades).toHaveLength(13);
  });
});
