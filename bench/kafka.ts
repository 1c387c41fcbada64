// Kafka figures: the platform's bus against the raw broker limit measured by Kafka's own perf tools in
// the same run, and end-to-end ingest with every function on the Kafka bus.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { KafkaBus } from '../shared/adapters/kafka/kafka-bus.ts';
import { silentLogger } from '../shared/logger.ts';
import { consumeLoad, generateLoad, type Throughput } from '../functions/dummy/index.ts';

const run = promisify(execFile);
const scripts = new URL('../scripts/kafka/', import.meta.url).pathname;

export interface BrokerHandle {
  readonly brokers: string;
  stop(): Promise<void>;
}

export async function startBroker(port = 29_192): Promise<BrokerHandle> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, stop: async () => undefined };
  await run('bash', [`${scripts}broker.sh`, 'start', '--port', String(port)], { timeout: 600_000 });
  return { brokers: `127.0.0.1:${port}`, stop: async () => void (await run('bash', [`${scripts}broker.sh`, 'stop', '--port', String(port)])) };
}

async function perf(args: string[]): Promise<string> {
  const { stdout } = await run('bash', [`${scripts}perf.sh`, ...args], { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** kafka-producer-perf-test and kafka-consumer-perf-test on their own topic: what the broker takes here. */
export async function rawBrokerLimit(brokers: string, records: number, size: number): Promise<{ produce: Throughput; consume: Throughput }> {
  const topic = `perf-raw-${Date.now()}`;
  await perf(['topics', '--bootstrap-server', brokers, '--create', '--topic', topic, '--partitions', '3', '--replication-factor', '1']);
  const produced = await perf([
    'producer',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(size),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers}`,
    'acks=all',
  ]);
  const summary = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(produced.trim().split('\n').at(-1) ?? '');
  if (!summary) throw new Error(`unexpected producer perf output: ${produced}`);
  const produceRate = Number(summary[2]);
  const consumed = await perf(['consumer', '--bootstrap-server', brokers, '--topic', topic, '--messages', String(records)]);
  const row = consumed
    .trim()
    .split('\n')
    .at(-1)!
    .split(',')
    .map((s) => s.trim());
  // start, end, MB, MB/s, nMsg, nMsg/s, rebalance ms, fetch ms, fetch MB/s, fetch nMsg/s
  const [, , mb, , messages, , , fetchMs] = row;
  const seconds = Number(fetchMs) / 1000;
  return {
    produce: { records, bytes: records * size, seconds: records / produceRate, recordsPerSecond: produceRate, mbPerSecond: Number(summary[3]) },
    consume: { records: Number(messages), bytes: Number(mb) * 1_048_576, seconds, recordsPerSecond: Number(messages) / seconds, mbPerSecond: Number(mb) / seconds },
  };
}

/** The same volume through the platform's Kafka bus: the dummy function's load generator and reader. */
export async function platformBus(brokers: string, records: number, size: number): Promise<{ produce: Throughput; consume: Throughput }> {
  const bus = new KafkaBus({ brokers: brokers.split(','), clientId: 'bench', logger: silentLogger });
  const topic = `perf-bus-${Date.now()}`;
  try {
    await bus.ensureTopic(topic, { partitions: 3 });
    const produce = await generateLoad(bus, { topic, ratePerSecond: 0, recordBytes: size, records, batchSize: 1000 });
    const consume = await consumeLoad(bus, { topic, group: `bench-${Date.now()}`, expected: records, maxBatchSize: 5000 });
    return { produce, consume };
  } finally {
    await bus.close();
  }
}
