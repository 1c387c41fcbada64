// The embedded ResultsStore on node:sqlite: the same tables as PostgreSQL, from the same migration
// files, in one file beside the other embedded data (or in memory). Times are kept as ISO-8601 UTC text.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { BacktestRun, RunSummary } from '../../contracts/backtest.ts';
import type { ResultsStore } from '../../ports/results.ts';
import { loadMigrations, pendingMigrations, SCHEMA_MIGRATIONS_SQL } from '../postgres/migrations.ts';
import { assembleRun, QUERIES, type Row, runTables, summarizeRuns } from '../postgres/results-rows.ts';

export class SqliteResults implements ResultsStore {
  readonly kind = 'sqlite';
  private readonly db: DatabaseSync;
  private readonly statements = new Map<string, StatementSync>();

  /** `file`: the database file (created with its directory), or ':memory:'. */
  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    // busy_timeout: another process may hold the write lock; foreign_keys: SQLite enforces REFERENCES
    // (and so ON DELETE CASCADE) only when asked, per connection.
    this.db.exec('PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON');
  }

  async migrate(): Promise<void> {
    const shipped = await loadMigrations();
    // IMMEDIATE takes the write lock at once: a second migrator waits here, then finds the work done.
    this.transaction(() => {
      this.db.exec(SCHEMA_MIGRATIONS_SQL);
      const applied = this.db
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((row) => String(row.version));
      for (const migration of pendingMigrations(shipped, applied)) {
        this.db.exec(migration.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(migration.version, new Date().toISOString());
      }
    });
  }

  async saveRun(run: BacktestRun): Promise<void> {
    const tables = runTables(run);
    this.transaction(() => {
      this.statement(QUERIES.deleteRun).run(run.run_id);
      for (const { table, columns, rows } of tables) {
        const insert = this.statement(`INSERT INTO ${table} (${columns.map(([name]) => name).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
        for (const row of rows) insert.run(...row);
      }
    });
  }

  async getRun(runId: string): Promise<BacktestRun | undefined> {
    // Inside one transaction: another process replacing the run meanwhile is seen wholly or not at all.
    return this.transaction(() => {
      const read = (sql: string) => this.statement(sql).all(runId) as Row[];
      const [run] = read(QUERIES.run);
      if (!run) return undefined;
      return assembleRun({ run, summaries: read(QUERIES.summaries), folds: read(QUERIES.folds), equity: read(QUERIES.equity), trades: read(QUERIES.trades) });
    }, 'BEGIN');
  }

  async listRuns(filter: { readonly workflowId?: string } = {}): Promise<RunSummary[]> {
    const byWorkflow = filter.workflowId !== undefined;
    const params = byWorkflow ? [filter.workflowId as string] : [];
    return this.transaction(() => {
      const runs = this.statement(QUERIES.listRuns(byWorkflow)).all(...params) as Row[];
      const results = this.statement(QUERIES.listResults(byWorkflow)).all(...params) as Row[];
      return summarizeRuns(runs, results);
    }, 'BEGIN');
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private transaction<T>(work: () => T, begin = 'BEGIN IMMEDIATE'): T {
    this.db.exec(begin);
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  private statement(sql: string): StatementSync {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
