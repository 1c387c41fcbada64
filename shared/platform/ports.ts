// Chooses the adapters named by the configuration and builds the ports every function receives.
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { ArangoStore } from '../adapters/arango/arango-store.ts';
import { FsObjectStore } from '../adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../adapters/embedded/memory-bus.ts';
import { KafkaBus } from '../adapters/kafka/kafka-bus.ts';
import { SqliteStore } from '../adapters/embedded/sqlite-store.ts';
import type { Ports } from '../harness/function.ts';
import { Instrumentation } from '../harness/instrumentation.ts';
import { createRegistry, instrumentMetrics } from '../harness/metrics.ts';
import type { Logger } from '../logger.ts';
import type { Registry } from 'prom-client';

export interface PlatformPorts extends Ports {
  readonly registry: Registry;
  close(): Promise<void>;
}

function kafkaBus(config: Config, logger: Logger): KafkaBus {
  const sasl = config.KAFKA_SASL_MECHANISM
    ? { mechanism: config.KAFKA_SASL_MECHANISM, username: config.KAFKA_SASL_USERNAME!, password: config.KAFKA_SASL_PASSWORD! }
    : undefined;
  return new KafkaBus({
    brokers: config.KAFKA_BROKERS!.split(','),
    clientId: config.KAFKA_CLIENT_ID,
    ssl: config.KAFKA_SSL === 'true',
    ...(sasl ? { sasl } : {}),
    retentionMs: config.KAFKA_RETENTION_MS,
    logger,
  });
}

export async function createPorts(config: Config, logger: Logger): Promise<PlatformPorts> {
  if (config.OBJECT_STORE !== 'fs') throw new ConfigError(`Invalid configuration: OBJECT_STORE=${config.OBJECT_STORE} is not available in this build`);
  const bus = config.BUS === 'kafka' ? kafkaBus(config, logger) : new MemoryBus();
  const store =
    config.STORE === 'arango'
      ? await ArangoStore.connect({ url: config.ARANGO_URL!, database: config.ARANGO_DATABASE, username: config.ARANGO_USER, password: config.ARANGO_PASSWORD })
      : new SqliteStore(join(config.dataDir, 'store.db'));
  const objects = new FsObjectStore(join(config.dataDir, 'objects'));
  const instrumentation = new Instrumentation();
  const registry = createRegistry();
  const unsubscribe = instrumentMetrics(registry, instrumentation);
  return {
    bus,
    store,
    objects,
    logger,
    instrumentation,
    registry,
    async close() {
      unsubscribe();
      await bus.close();
      await store.close();
      await objects.close();
    },
  };
}
