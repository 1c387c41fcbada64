// Starts a real MinIO server for the MinIO suite (or uses S3_ENDPOINT with its credentials when given)
// and stops it after. Each test file gets buckets of its own.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '../../platform/free-port.ts';

const run = promisify(execFile);
const script = new URL('../../scripts/minio/server.sh', import.meta.url).pathname;

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.S3_ENDPOINT) return async () => undefined;
  const port = await freePort();
  // Builds MinIO first when this machine has not yet (a few minutes, once).
  const { stdout } = await run('bash', [script, 'start', '--port', String(port)], { timeout: 1_800_000 });
  for (const line of stdout.trim().split('\n')) {
    const [name, ...value] = line.split('=');
    if (name) process.env[name] = value.join('=');
  }
  return async () => {
    await run('bash', [script, 'stop', '--port', String(port)], { timeout: 60_000 });
  };
}
