// Builds the ports every function receives, and the backtester's results store, from the adapters the
// configuration names. Each adapter's module (kafkajs, arangojs, node:sqlite, pg) is loaded only when asked for.
import type { Registry } from 'prom-client';
import { FsObjectStore } from '../shared/adapters/embedded/fs-object-store.ts';
import type { BusConfig, Config, ObjectStoreConfig, ResultsConfig, StoreConfig } from '../shared/config.ts';
import type { Ports } from '../shared/harness/function.ts';
import { Instrumentation } from '../shared/harness/instrumentation.ts';
import { createRegistry, instrumentMetrics } from '../shared/harness/metrics.ts';
import type { ReadinessCheck } from '../shared/http/health.ts';
import type { Logger } from '../shared/logger.ts';
import type { Bus } from '../shared/ports/bus.ts';
import type { ObjectStore } from '../shared/ports/object-store.ts';
import type { ResultsStore } from '../shared/ports/results.ts';
import type { Store } from '../shared/ports/store.ts';

export interface PlatformPorts extends Ports {
  readonly registry: Registry;
  /** Stops feeding the registry from the instrumentation events (the benchmark prices the metrics with it). */
  detachMetrics(): void;
  close(): Promise<void>;
}

export async function createBus(config: BusConfig, logger: Logger): Promise<Bus> {
  if (config.kind === 'embedded') {
    const { MemoryBus } = await import('../shared/adapters/embedded/memory-bus.ts');
    return new MemoryBus({ retention: config.retention });
  }
  const { KafkaBus } = await import('../shared/adapters/kafka/kafka-bus.ts');
  return new KafkaBus({
    brokers: config.brokers,
    clientId: config.clientId,
    ssl: config.ssl,
    ...(config.sasl ? { sasl: config.sasl } : {}),
    ...(config.retention.ms ? { retentionMs: config.retention.ms } : {}),
    ...(config.retention.bytes ? { retentionBytes: config.retention.bytes } : {}),
    logger,
  });
}

async function createObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  if (config.kind === 'fs') return new FsObjectStore(config.dir);
  const { S3ObjectStore } = await import('../shared/adapters/s3/s3-object-store.ts');
  return new S3ObjectStore({
    region: config.region,
    bucket: config.bucket,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
  });
}

async function createStore(config: StoreConfig): Promise<Store> {
  if (config.kind === 'sqlite') {
    const { SqliteStore } = await import('../shared/adapters/embedded/sqlite-store.ts');
    return new SqliteStore(config.file);
  }
  const { ArangoStore } = await import('../shared/adapters/arango/arango-store.ts');
  return ArangoStore.connect({ url: config.url, database: config.database, username: config.username, password: config.password });
}

/**
 * The backtest results store, migrated and ready. Not one of the Ports every function gets: only the
 * backtester writes results, so only it loads node-postgres (or opens the SQLite file).
 */
export async function createResultsStore(config: ResultsConfig): Promise<ResultsStore> {
  let results: ResultsStore;
  if (config.kind === 'sqlite') {
    const { SqliteResults } = await import('../shared/adapters/embedded/sqlite-results.ts');
    results = new SqliteResults(config.file);
  } else {
    const { PostgresResults } = await import('../shared/adapters/postgres/pg-results.ts');
    results = new PostgresResults(config.url);
  }
  try {
    await results.migrate();
  } catch (error) {
    await results.close();
    throw error;
  }
  return results;
}

export async function createPorts(config: Config, logger: Logger): Promise<PlatformPorts> {
  const bus = await createBus(config.bus, logger);
  const store = await createStore(config.store);
  const objects = await createObjectStore(config.objects);
  const instrumentation = new Instrumentation((error, event) => logger.error({ err: error, event }, 'an instrumentation listener failed; the step goes on'));
  const registry = createRegistry();
  const unsubscribe = instrumentMetrics(registry, instrumentation);
  return {
    bus,
    store,
    objects,
    logger,
    instrumentation,
    registry,
    detachMetrics: unsubscribe,
    async close() {
      unsubscribe();
      await bus.close();
      await store.close();
      await objects.close();
    },
  };
}

/** What /readyz checks: the bus and the store always, the object store where it is used. */
export function readinessChecks(ports: Ports, options: { objects: boolean }): Record<string, ReadinessCheck> {
  return {
    bus: () => ports.bus.ping(),
    store: () => ports.store.ping(),
    ...(options.objects ? { objects: () => ports.objects.ping() } : {}),
  };
}
