// Tick latency on the live path: from the exchange's event time (the simulator stamps `E` with its wall
// clock as it sends) to a consumer holding the trade. The same stream three ways in one run: straight off
// the socket without a bus (the limit), and through loader-ws onto the embedded bus and onto Kafka, read
// back by a consumer in a group of its own.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { createLoaderWs } from '../functions/loader-ws/index.ts';
import { StreamConnection } from '../functions/loader-ws/connection.ts';
import { FsObjectStore } from '../shared/adapters/embedded/fs-object-store.ts';
import { SqliteStore } from '../shared/adapters/embedded/sqlite-store.ts';
import { tradeFromAggTradeEvent } from '../shared/binance/normalize.ts';
import { aggTradeEventSchema, streamNames } from '../shared/binance/stream-wire.ts';
import { parseDataType } from '../shared/contracts/data-type.ts';
import { TARGETS, collectionNameFor, dataTopicFor, queueIdFor, telemetryIdFor } from '../shared/contracts/names.ts';
import { Instrumentation } from '../shared/harness/instrumentation.ts';
import { runAttempts } from '../shared/harness/step.ts';
import { silentLogger } from '../shared/logger.ts';
import type { Bus } from '../shared/ports/bus.ts';

export const BENCH_SYMBOL = 'LIVEUSDT';
export const TRADES_PER_SECOND = 1000;
export const TRADES_PER_HOUR = 100_000;
const DAY_MS = 86_400_000;

export interface LatencyFigures {
  readonly trades: number;
  /** Trades per second of wall time while measuring. */
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LiveExchange {
  readonly restUrl: string;
  readonly wsUrl: string;
  stop(): Promise<void>;
}

/** The simulator in a process of its own, as an exchange is. */
export async function startLiveExchange(): Promise<LiveExchange> {
  const child = spawn(process.execPath, [new URL('./live-sim.ts', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await Promise.race([
    createInterface({ input: child.stdout })
      [Symbol.asyncIterator]()
      .next()
      .then((r) => [r.value as string | undefined]),
    new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the benchmark exchange exited with ${code}`)))),
  ]);
  if (!line?.startsWith('http')) throw new Error(`the benchmark exchange printed ${line}`);
  return {
    restUrl: line,
    wsUrl: line.replace(/^http/, 'ws'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function figures(latencies: number[], firstAt: number, lastAt: number): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { trades: sorted.length, rate: (sorted.length - 1) / ((lastAt - firstAt) / 1000), p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted.at(-1)! };
}

/** Collects `count` latencies after skipping `warmup` trades. */
class Sample {
  readonly latencies: number[] = [];
  private seen = 0;
  private firstAt = 0;
  private lastAt = 0;
  private readonly count: number;
  private readonly warmup: number;

  constructor(count: number, warmup: number) {
    this.count = count;
    this.warmup = warmup;
  }

  add(eventTime: number, now: number): boolean {
    if (this.latencies.length >= this.count) return true;
    if (this.seen++ < this.warmup) return false;
    if (!this.latencies.length) this.firstAt = now;
    this.lastAt = now;
    this.latencies.push(now - eventTime);
    return this.latencies.length >= this.count;
  }

  result(): LatencyFigures {
    return figures(this.latencies, this.firstAt, this.lastAt);
  }
}

/** The limit: frames straight off the socket, parsed and normalized as loader-ws does, no bus. */
export function withoutBus(exchange: LiveExchange, count: number, warmup: number): Promise<LatencyFigures> {
  const sample = new Sample(count, warmup);
  return new Promise((resolve) => {
    const connection = new StreamConnection({
      baseUrl: exchange.wsUrl,
      streams: [streamNames.aggTrade(BENCH_SYMBOL)],
      onNotice: () => undefined,
      onFrame: (frame) => {
        const trade = tradeFromAggTradeEvent(aggTradeEventSchema.parse(frame.data));
        if (sample.add(trade.event_time!, Date.now())) {
          connection.close();
          resolve(sample.result());
        }
      },
    });
  });
}

function liveCommand(suffix: string) {
  const type = parseDataType('ws_trades');
  const from = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
  const queueId = queueIdFor(BENCH_SYMBOL, type, from, suffix);
  return {
    command: 'start' as const,
    queue_id: queueId,
    target: TARGETS.loaderWs,
    symbol: BENCH_SYMBOL,
    type,
    time_range: { from, to: from + 3 * DAY_MS },
    kafka_topic: dataTopicFor(queueId),
    collection_name: collectionNameFor(BENCH_SYMBOL, type, from),
    telemetry_id: telemetryIdFor(TARGETS.loaderWs, suffix),
    image: 'streamforge/loader-ws:bench',
    timestamp: Date.now() / 1000,
  };
}

/** The platform's path: loader-ws publishing each batch onto the bus, a consumer in a group of its own reading it. */
export async function throughBus(bus: Bus, exchange: LiveExchange, count: number, warmup: number): Promise<LatencyFigures> {
  const suffix = Math.random().toString(16).slice(2, 8);
  const command = liveCommand(suffix);
  await bus.ensureTopic(command.kafka_topic, { partitions: 1 });
  const reader = bus.subscribe({ group: `bench-live-${suffix}`, topics: [command.kafka_topic], fromBeginning: true });
  // The consumer has joined its group before the first trade: a probe record comes back first.
  await bus.publish(command.kafka_topic, [{ key: BENCH_SYMBOL, value: '{"kind":"probe"}' }]);
  const batches = reader[Symbol.asyncIterator]();
  await batches.next();
  const ports = { bus, store: new SqliteStore(':memory:'), objects: new FsObjectStore(tmpdir()), logger: silentLogger, instrumentation: new Instrumentation() };
  const controller = new AbortController();
  const step = runAttempts(createLoaderWs({ restUrl: exchange.restUrl, wsUrl: exchange.wsUrl }), {
    ...ports,
    command,
    signal: controller.signal,
    report: async () => undefined,
  }).catch(() => undefined);
  const sample = new Sample(count, warmup);
  try {
    for (let next = await batches.next(); !next.done; next = await batches.next()) {
      const now = Date.now();
      let done = false;
      for (const record of next.value.records) {
        const value = JSON.parse(record.value) as { kind: string; event_time?: number };
        if (value.kind === 'trade' && value.event_time !== undefined) done = sample.add(value.event_time, now) || done;
      }
      await next.value.commit();
      if (done) break;
    }
  } finally {
    controller.abort();
    await step;
    await reader.close();
    await bus.deleteTopic(command.kafka_topic);
  }
  return sample.result();
}

export interface LiveLatency {
  readonly withoutBus: LatencyFigures;
  readonly embedded: LatencyFigures;
  readonly kafka: LatencyFigures | undefined;
}

/** 10,000 trades at 1,000/s each way, after 1,000 to warm up; Kafka when brokers are given. */
export async function benchLiveLatency(brokers?: string, count = 10_000, warmup = 1000): Promise<LiveLatency> {
  const exchange = await startLiveExchange();
  try {
    const withoutBusFigures = await withoutBus(exchange, count, warmup);
    const { MemoryBus } = await import('../shared/adapters/embedded/memory-bus.ts');
    const memory = new MemoryBus();
    const embedded = await throughBus(memory, exchange, count, warmup).finally(() => memory.close());
    let kafka: LatencyFigures | undefined;
    if (brokers) {
      const { KafkaBus } = await import('../shared/adapters/kafka/kafka-bus.ts');
      const bus = new KafkaBus({ brokers: brokers.split(','), clientId: 'bench-live', logger: silentLogger });
      kafka = await throughBus(bus, exchange, count, warmup).finally(() => bus.close());
    }
    return { withoutBus: withoutBusFigures, embedded, kafka };
  } finally {
    await exchange.stop();
  }
}

if (import.meta.main) console.log(JSON.stringify(await benchLiveLatency(process.env.KAFKA_BROKERS), null, 2));
