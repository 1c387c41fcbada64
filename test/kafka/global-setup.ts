// Starts a real single-node Kafka broker for the Kafka suite (or uses KAFKA_BROKERS) and stops it after.
import { execFile } from 'node:child_process';
import { freePortPair } from '../../platform/free-port.ts';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = new URL('../../scripts/kafka/broker.sh', import.meta.url).pathname;

export default async function setup(): Promise<() => Promise<void>> {
  // The functions run from their bundles, as in their containers.
  const { buildBundles } = await import('../../platform/build.ts');
  await buildBundles();
  if (process.env.KAFKA_BROKERS) return async () => undefined;
  const port = await freePortPair();
  await run('bash', [script, 'start', '--port', String(port)], { maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
  process.env.KAFKA_BROKERS = `127.0.0.1:${port}`;
  process.env.KAFKA_BROKER_PORT = String(port);
  return async () => {
    await run('bash', [script, 'stop', '--port', String(port)], { timeout: 60_000 });
  };
}
