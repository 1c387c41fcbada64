// The PostgreSQL of the suite (started by the global setup, or given by RESULTS_DATABASE_URL), and a
// database of a test file's own on it, dropped when the file is done.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

export function suitePostgres(): string {
  const url = process.env.RESULTS_DATABASE_URL;
  if (!url) throw new Error('RESULTS_DATABASE_URL is not set: run the postgres suite through vitest (its global setup starts PostgreSQL) or point it at a server');
  return url;
}

/** Runs `work` on one connection to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database (the suite's user must be allowed to create databases). */
export async function ownDatabase(label: string): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const suite = suitePostgres();
  const name = `sf_${label}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  await withClient(suite, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(suite);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    // FORCE: a pool a failed test left open must not keep the database alive.
    drop: async () => void (await withClient(suite, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))),
  };
}
