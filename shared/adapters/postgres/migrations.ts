// The results store's schema: the SQL files in migrations/ beside this module, applied in file-name
// order by both the PostgreSQL and the SQLite adapter (one set of files for both dialects, so the two
// stores cannot drift apart). A file's name without `.sql` is its version in schema_migrations.
import { readMigrationFiles } from './migration-files.ts';

export interface Migration {
  readonly version: string;
  readonly sql: string;
}

/** Zero-padded so that name order is apply order: 001_backtest_results.sql, 002_…. */
const FILE_NAME = /^(\d{3}_[a-z0-9_]+)\.sql$/;

/**
 * The bookkeeping table, created before anything else because the migrator reads it to tell what is
 * applied. The same text runs on both databases.
 */
export const SCHEMA_MIGRATIONS_SQL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version    TEXT PRIMARY KEY,
  applied_at TIMESTAMPTZ NOT NULL
)`;

export async function loadMigrations(): Promise<Migration[]> {
  return (await readMigrationFiles()).map(({ name, sql }) => {
    const version = FILE_NAME.exec(name)?.[1];
    if (!version) throw new Error(`migration file "${name}" is not named NNN_lower_case_words.sql`);
    return { version, sql };
  });
}

/** The shipped migrations not yet applied, in order. Versions the database has and this code lacks (a newer release's) are left alone. */
export function pendingMigrations(shipped: readonly Migration[], applied: Iterable<string>): Migration[] {
  const done = new Set(applied);
  return shipped.filter((migration) => !done.has(migration.version));
}
