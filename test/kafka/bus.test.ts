// The Bus contract against a real Kafka broker, the same suite the embedded bus passes.
import { describe, expect, it } from 'vitest';
import { KafkaBus } from '../../shared/adapters/kafka/kafka-bus.ts';
import { silentLogger } from '../../shared/logger.ts';
import { checkBus } from '../../functions/dummy/index.ts';
import { busContract } from '../contracts/bus.contract.ts';
import { kafkaBrokers } from './broker.ts';

const makeBus = async () => new KafkaBus({ brokers: kafkaBrokers(), clientId: 'contract-test', logger: silentLogger });

busContract('kafka', makeBus);

describe('kafka bus', () => {
  it("passes the dummy function's produce-consume-commit check", async () => {
    const bus = await makeBus();
    const result = await checkBus(bus, { topic: `dummy-scratch-${Date.now()}` });
    await bus.close();
    expect(result.ok, result.message).toBe(true);
    expect(result.message).toMatch(/^kafka bus OK/);
  });

  it('keeps a client that wrote to a topic another client deleted working (kafkajs #1622)', async () => {
    const writer = await makeBus();
    const deleter = await makeBus();
    const doomed = `doomed-${Date.now()}`;
    const other = `other-${Date.now()}`;
    await writer.publish(doomed, [{ key: 'k', value: '1' }]);
    await deleter.deleteTopic(doomed);
    const started = Date.now();
    await writer.publish(other, [{ key: 'k', value: '2' }]);
    const lag = await writer.lag('nobody', other);
    await Promise.all([writer.close(), deleter.close()]);
    expect(lag.reduce((sum, p) => sum + p.endOffset, 0)).toBe(1);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('fails ping, with the broker named, when no broker answers', async () => {
    const bus = new KafkaBus({ brokers: ['127.0.0.1:1'], clientId: 'unreachable', logger: silentLogger });
    await expect(bus.ping()).rejects.toThrow(/Kafka at 127\.0\.0\.1:1/);
    await bus.close();
  });
});
