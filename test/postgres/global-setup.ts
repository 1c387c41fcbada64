// Starts a real PostgreSQL for the postgres suite (or uses RESULTS_DATABASE_URL when given) and stops it
// after. Each test file creates a database of its own on it, so files run in parallel.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../../platform/free-port.ts';

const run = promisify(execFile);
const script = new URL('../../scripts/postgres/server.sh', import.meta.url).pathname;

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.RESULTS_DATABASE_URL) return async () => undefined;
  const port = await freePort();
  const { stdout } = await run('bash', [script, 'start', '--port', String(port)], { timeout: 120_000 });
  const url = /^DATABASE_URL=(.+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error(`scripts/postgres/server.sh printed no DATABASE_URL: ${stdout}`);
  process.env.RESULTS_DATABASE_URL = url;
  return async () => {
    await run('bash', [script, 'stop', '--port', String(port)], { timeout: 60_000 });
  };
}
