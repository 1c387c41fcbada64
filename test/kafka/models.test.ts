// The model registry with its announcements on a real Kafka broker: the same contract as on the
// embedded bus and on MinIO, the hot-reloading follower included.
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { FsObjectStore } from '../../shared/adapters/embedded/fs-object-store.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { KafkaBus } from '../../shared/adapters/kafka/kafka-bus.ts';
import { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { silentLogger } from '../../shared/logger.ts';
import { modelRegistryContract } from '../contracts/model-registry.contract.ts';
import { tempDir } from '../helpers.ts';
import { kafkaBrokers } from './broker.ts';

let root = '';
modelRegistryContract(
  'Kafka announcements',
  async () => {
    root = await tempDir('sf-registry-kafka-');
    const ports = {
      store: new SqliteStore(join(root, 'store.db')),
      objects: new FsObjectStore(join(root, 'objects')),
      bus: new KafkaBus({ brokers: kafkaBrokers(), clientId: 'registry-test', logger: silentLogger }),
      logger: silentLogger,
      instrumentation: new Instrumentation(),
    };
    return { ...ports, close: async () => void (await Promise.all([ports.store.close(), ports.bus.close()])) };
  },
  async (_ports, key, body) => writeFile(join(root, 'objects', key), body),
);
