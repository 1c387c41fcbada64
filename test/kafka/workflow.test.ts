// The platform on a real broker with every function in its own process: exact counts; a persister and
// an orchestrator killed with SIGKILL provably mid-load (the simulator holds the loader's requests until
// the test releases them, and part of the data is stored at the moment of the kill); a slow second
// consumer group; a malformed record; and the wire format.
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchangeSim, startExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { KafkaBus } from '../../shared/adapters/kafka/kafka-bus.ts';
import { WORKFLOW_ID_HEADER, controlTopicFor } from '../../shared/contracts/control.ts';
import { eventsTopic } from '../../shared/contracts/events.ts';
import { DEAD_LETTER_TOPIC } from '../../shared/harness/dead-letter.ts';
import { silentLogger } from '../../shared/logger.ts';
import { DAY_COUNTS, api, ended, getWorkflow, persistedCounts, tempDir, until, waitForWorkflow } from '../helpers.ts';
import { kafkaBrokers } from './broker.ts';
import { type FunctionProcess, startFunctionProcess } from './processes.ts';

const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };
const SEED_COMMAND_FIELDS = ['collection_name', 'command', 'image', 'kafka_topic', 'queue_id', 'symbol', 'target', 'telemetry_id', 'time_range', 'timestamp', 'type'];
const SEED_EVENT_FIELDS = ['finished', 'message', 'producer', 'queue_id', 'records_written', 'status', 'symbol', 'timestamp', 'type'];

describe('functions as separate processes on Kafka', () => {
  let sim: RunningExchangeSim;
  let env: Record<string, string>;
  let dataDir: string;
  const processes = new Map<string, FunctionProcess>();
  let orchestrator: FunctionProcess;

  beforeAll(async () => {
    sim = await startExchangeSim();
    dataDir = await tempDir('sf-kafka-');
    env = { BUS: 'kafka', KAFKA_BROKERS: kafkaBrokers().join(','), DATA_DIR: dataDir, BINANCE_REST_URL: sim.url, KAFKA_CLIENT_ID: 'sf-test' };
    const started = await Promise.all(['orchestrator', 'loader', 'persister'].map((name) => startFunctionProcess(name, env)));
    for (const p of started) processes.set(p.name, p);
    orchestrator = processes.get('orchestrator')!;
  });

  afterAll(async () => {
    sim?.sim.faults.release();
    const codes = await Promise.all([...processes.values()].map((p) => p.stop()));
    await sim?.close();
    expect(codes.every((code) => code === 0)).toBe(true);
  });

  const storeCount = async (collection: string) => {
    const store = new SqliteStore(`${dataDir}/store.db`);
    try {
      return await store.count(collection);
    } finally {
      await store.close();
    }
  };
  const storedIds = async (collection: string) => {
    const store = new SqliteStore(`${dataDir}/store.db`);
    try {
      return (await store.query<{ _key: string; agg_id: number }>(collection, { field: 'agg_id' })).map((t) => t.agg_id);
    } finally {
      await store.close();
    }
  };
  /** Holds the loader's aggTrades requests after the first few: the load stops mid-way until released. */
  const holdMidLoad = async (collection: string) => {
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'hold', afterRequests: 8, count: 1000 });
    await until('a held request and part of the trades stored', async () => sim.sim.faults.held() > 0 && (await storeCount(collection)) > 0, 60_000);
  };

  it('runs the two-symbol day to "succeeded" with the exact counts', async () => {
    const { body } = await api(orchestrator, '/workflows', { json: request });
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 120_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    const ids = await storedIds('btcusdt_api_trades_2024_08_01');
    expect(ids).toHaveLength(28_800);
    expect(ids.at(-1)! - ids[0]!).toBe(28_799);
  });

  it('loses and duplicates nothing when the persister is killed with SIGKILL mid-load and started again', async () => {
    const { body } = await api(orchestrator, '/workflows', { json: { ...request, time_range: '2024-08-03:2024-08-04' } });
    await holdMidLoad('btcusdt_api_trades_2024_08_03');
    await processes.get('persister')!.kill();
    const atKill = (await storeCount('btcusdt_api_trades_2024_08_03')) + (await storeCount('ethusdt_api_trades_2024_08_03'));
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(28_800 + 21_600);
    expect((await getWorkflow(orchestrator, body.id)).status).toBe('running');
    processes.set('persister', await startFunctionProcess('persister', env));
    sim.sim.faults.release();
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 150_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    const ids = await storedIds('btcusdt_api_trades_2024_08_03');
    expect(ids).toHaveLength(28_800);
    ids.forEach((id, i) => {
      if (i > 0) expect(id).toBe(ids[i - 1]! + 1);
    });
    expect(await storeCount('ethusdt_api_candles_5m_2024_08_03')).toBe(288);
  });

  it('carries on without re-running anything when the orchestrator is killed with SIGKILL mid-load and started again', async () => {
    const { body } = await api(orchestrator, '/workflows', { json: { ...request, time_range: '2024-08-11:2024-08-12' } });
    await holdMidLoad('btcusdt_api_trades_2024_08_11');
    await orchestrator.kill();
    const atKill = await storeCount('btcusdt_api_trades_2024_08_11');
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(28_800);
    orchestrator = await startFunctionProcess('orchestrator', env);
    processes.set('orchestrator', orchestrator);
    sim.sim.faults.release();
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 150_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    // The commands sent before the crash were followed through; none was sent twice.
    expect(workflow.steps.map((s) => s.attempts)).toEqual(Array(8).fill(1));
  });

  it('lets a slow consumer in its own group fall behind without slowing the persister', async () => {
    const { body } = await api(orchestrator, '/workflows', { json: { ...request, symbols: ['BTCUSDT'], types: ['api_trades'], time_range: '2024-08-05:2024-08-06' } });
    const topic = (await getWorkflow(orchestrator, body.id)).steps[0]!.kafka_topic;
    const bus = new KafkaBus({ brokers: kafkaBrokers(), clientId: 'slow-visualizer', logger: silentLogger });
    const slow = bus.subscribe({ group: 'visualizer-group', topics: [topic], maxBatchSize: 50 });
    let slowRead = 0;
    const reading = (async () => {
      for await (const batch of slow) {
        slowRead += batch.records.length;
        await new Promise((resolve) => setTimeout(resolve, 250));
        await batch.commit();
      }
    })();
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 120_000);
    expect(workflow.status).toBe('succeeded');
    const persisterLag = (await bus.lag('arango-connector-group', topic)).reduce((s, p) => s + p.lag, 0);
    const slowLag = (await bus.lag('visualizer-group', topic)).reduce((s, p) => s + p.lag, 0);
    await slow.close();
    await reading;
    await bus.close();
    expect(persisterLag).toBe(0);
    expect(slowLag).toBeGreaterThan(20_000);
    expect(slowRead).toBeLessThan(5_000);
    const shown = (await api<{ steps: { target: string; lag?: number; lag_partitions?: { lag: number }[] }[] }>(orchestrator, `/workflows/${body.id}`)).body;
    const persisterStep = shown.steps.find((s) => s.target === 'arango-connector')!;
    expect(persisterStep.lag).toBe(0);
    expect(persisterStep.lag_partitions).toEqual([{ partition: 0, end_offset: 28_801, committed_offset: 28_801, lag: 0 }]);
  });

  it('dead-letters a malformed record injected into a data topic, with the reason in a header, and still succeeds', async () => {
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'hold', afterRequests: 3, count: 1 });
    const { body } = await api(orchestrator, '/workflows', { json: { ...request, symbols: ['ETHUSDT'], types: ['api_trades'], time_range: '2024-08-07:2024-08-08' } });
    const topic = (await getWorkflow(orchestrator, body.id)).steps[0]!.kafka_topic;
    await until('the loader to be held mid-load', () => sim.sim.faults.held() > 0, 60_000);
    const kafka = new Kafka({ clientId: 'injector', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'ETHUSDT', value: '{"kind":"trade","symbol":"ETHUSDT","agg_id":"oops"}' }] });
    await producer.disconnect();
    sim.sim.faults.release();
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 120_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual({ 'ETHUSDT/api_trades': 21_600 });
    const dead = await readAll(kafka, DEAD_LETTER_TOPIC, (m) => m.headers['x-source-topic'] === topic, 1);
    expect(dead).toHaveLength(1);
    expect(dead[0]!.headers['x-dead-letter-reason']).toMatch(/^agg_id: .*number/);
    expect(dead[0]!.value).toContain('"agg_id":"oops"');
  });

  it("writes queue-control and queue-events that an ordinary Kafka client reads in the seed's format", async () => {
    const { body } = await api(orchestrator, '/workflows', { json: { ...request, time_range: '2024-08-09:2024-08-10' } });
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 120_000);
    expect(workflow.status).toBe('succeeded');
    const suffix = body.id.split('-').at(-1);
    const kafka = new Kafka({ clientId: 'plain-reader', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const commands = await readAll(kafka, controlTopicFor('loader-producer').name, (m) => m.value.includes(suffix), 4);
    const events = await readAll(kafka, eventsTopic.name, (m) => m.value.includes(suffix) && !m.value.includes('"retrying"'), 16);
    expect(commands).toHaveLength(4);
    for (const { value, headers } of commands) {
      const command = JSON.parse(value);
      expect(Object.keys(command).sort()).toEqual(SEED_COMMAND_FIELDS);
      // The workflow rides beside the seed's fields, in a header, for the steps' logs.
      expect(headers[WORKFLOW_ID_HEADER]).toBe(body.id);
      expect(command).toMatchObject({ command: 'start', target: 'loader-producer', time_range: '2024-08-09:2024-08-10', image: 'streamforge/loader-producer:v0.1.0' });
      expect(command.queue_id).toMatch(new RegExp(`^wf-(btc|eth)usdt-api_(candles_5m|trades)-20240809-${suffix}$`));
      expect(command.kafka_topic).toBe(`${command.queue_id}-data`);
      expect(command.telemetry_id).toBe(`loader-producer__${suffix}`);
      expect(typeof command.timestamp).toBe('number');
    }
    for (const { value } of events) {
      const event = JSON.parse(value);
      expect(Object.keys(event).sort()).toEqual(SEED_EVENT_FIELDS);
      expect(['api_candles_5m', 'api_trades']).toContain(event.type);
      expect(typeof event.records_written).toBe('number');
      expect(typeof event.finished).toBe('boolean');
    }
  });
});

interface Plain {
  value: string;
  headers: Record<string, string>;
}

/** Reads a topic from the beginning with a plain kafkajs consumer until `wanted` matching messages arrived; fails after 20 s. */
async function readAll(kafka: Kafka, topic: string, match: (m: Plain) => boolean, wanted: number): Promise<Plain[]> {
  const consumer = kafka.consumer({ groupId: `plain-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const found: Plain[] = [];
  const complete = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 20_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const plain = {
          value: message.value?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        };
        if (match(plain)) found.push(plain);
        if (found.length >= wanted) {
          clearTimeout(timer);
          resolve(true);
        }
      },
    });
  });
  await consumer.disconnect();
  if (!complete) throw new Error(`readAll: ${found.length} of ${wanted} matching messages on ${topic} within 20 s`);
  return found.slice(0, wanted);
}
