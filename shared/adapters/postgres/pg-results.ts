// The ResultsStore on PostgreSQL (node-postgres): backtest runs as plain tables an analyst can query.
// A run is written in one transaction; its rows go in as arrays through unnest(), a few statements per
// table however long the equity curve, instead of a round trip per row.
import pg from 'pg';
import type { BacktestRun, RunSummary } from '../../contracts/backtest.ts';
import type { ResultsStore } from '../../ports/results.ts';
import { loadMigrations, pendingMigrations, SCHEMA_MIGRATIONS_SQL } from './migrations.ts';
import { assembleRun, QUERIES, type Row, runTables, type SqlValue, summarizeRuns, type TableRows } from './results-rows.ts';

/** Any constant both migrators agree on: pg_advisory_xact_lock serializes them within one database. */
const MIGRATION_LOCK = 0x5f_726573_756c7473n;
/** The first key of the two-key advisory locks that serialize writers of the same run_id. */
const RUN_LOCK_SPACE = 0x7275_6e73;
/** Rows per INSERT … SELECT FROM unnest(…): bounds one statement's size, not its parameter count (one per column). */
const ROWS_PER_STATEMENT = 20_000;

/** `?` placeholders as PostgreSQL numbers them. */
const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

export interface PostgresResultsOptions {
  /** Connections the pool may hold (default 4: the backtester writes one run at a time). */
  readonly maxConnections?: number;
}

export class PostgresResults implements ResultsStore {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;

  /** `url`: postgres://user:password@host:port/database (libpq's URL form, options included). */
  constructor(url: string, options: PostgresResultsOptions = {}) {
    this.pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4 });
    // An idle connection the server drops (a restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => undefined);
  }

  async migrate(): Promise<void> {
    const shipped = await loadMigrations();
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
      await client.query(SCHEMA_MIGRATIONS_SQL);
      const applied = (await client.query<{ version: string }>('SELECT version FROM schema_migrations')).rows.map((row) => row.version);
      for (const migration of pendingMigrations(shipped, applied)) {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [migration.version, new Date().toISOString()]);
      }
    });
  }

  async saveRun(run: BacktestRun): Promise<void> {
    const tables = runTables(run);
    await this.transaction(async (client) => {
      // Two writers of one run_id (a retried step racing its first attempt) take turns: the last one wins whole.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [RUN_LOCK_SPACE, run.run_id]);
      await client.query(numbered(QUERIES.deleteRun), [run.run_id]);
      for (const table of tables) await insertRows(client, table);
    });
  }

  async getRun(runId: string): Promise<BacktestRun | undefined> {
    // One snapshot for all five reads, so a run replaced meanwhile is read wholly old or wholly new.
    return this.transaction(async (client) => {
      const read = async (sql: string) => (await client.query<Row>(numbered(sql), [runId])).rows;
      const [run] = await read(QUERIES.run);
      if (!run) return undefined;
      return assembleRun({
        run,
        summaries: await read(QUERIES.summaries),
        folds: await read(QUERIES.folds),
        equity: await read(QUERIES.equity),
        trades: await read(QUERIES.trades),
      });
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async listRuns(filter: { readonly workflowId?: string } = {}): Promise<RunSummary[]> {
    const byWorkflow = filter.workflowId !== undefined;
    const params = byWorkflow ? [filter.workflowId] : [];
    return this.transaction(async (client) => {
      const runs = await client.query<Row>(numbered(QUERIES.listRuns(byWorkflow)), params);
      const results = await client.query<Row>(numbered(QUERIES.listResults(byWorkflow)), params);
      return summarizeRuns(runs.rows, results.rows);
    }, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A connection that cannot even roll back is not handed to the next caller.
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/** INSERT … SELECT FROM unnest($1::type[], $2::type[], …): one array parameter per column. */
async function insertRows(client: pg.PoolClient, { table, columns, rows }: TableRows): Promise<void> {
  const names = columns.map(([name]) => name).join(', ');
  const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const columnValues: SqlValue[][] = columns.map((_, i) => chunk.map((row) => row[i] ?? null));
    await client.query(sql, columnValues);
  }
}
