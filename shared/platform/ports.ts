// Chooses the adapters named by the configuration and builds the ports every function receives.
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { FsObjectStore } from '../adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../adapters/embedded/memory-bus.ts';
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

export async function createPorts(config: Config, logger: Logger): Promise<PlatformPorts> {
  if (config.BUS !== 'embedded') throw new ConfigError(`Invalid configuration: BUS=${config.BUS} is not available in this build`);
  if (config.STORE !== 'sqlite') throw new ConfigError(`Invalid configuration: STORE=${config.STORE} is not available in this build`);
  if (config.OBJECT_STORE !== 'fs') throw new ConfigError(`Invalid configuration: OBJECT_STORE=${config.OBJECT_STORE} is not available in this build`);
  const bus = new MemoryBus();
  const store = new SqliteStore(join(config.dataDir, 'store.db'));
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
