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

  it('deletes topics promptly when a lag query of a topic races its deletion (the query puts it back among the targets)', async () => {
    const bus = await makeBus();
    const run = Date.now();
    const within = <T>(ms: number, what: string, work: Promise<T>) =>
      Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} still waiting after ${ms} ms`)), ms))]);
    try {
      for (let round = 0; round < 5; round++) {
        const [raced, next] = [`raced-${run}-${round}`, `next-${run}-${round}`];
        await bus.publish(raced, [{ key: 'k', value: '1' }]);
        await bus.publish(next, [{ key: 'k', value: '1' }]);
        // The query starts before the deletion and answers after it, whichever way the race goes.
        const [lag] = await Promise.all([bus.lag('watcher', raced), bus.deleteTopic(raced)]);
        expect([0, 1]).toContain(lag.reduce((sum, p) => sum + p.endOffset, 0));
        expect(await bus.lag('watcher', raced)).toEqual([]);
        // Without the remembered deletion, the next call's metadata refresh retried the gone topic for a minute.
        await within(10_000, `deleting ${next}`, bus.deleteTopic(next));
        expect(await within(10_000, 'listing topics', bus.listTopics())).not.toContain(next);
      }
    } finally {
      await bus.close();
    }
  });

  it('fails ping, with the broker named, when no broker answers', async () => {
    const bus = new KafkaBus({ brokers: ['127.0.0.1:1'], clientId: 'unreachable', logger: silentLogger });
    await expect(bus.ping()).rejects.toThrow(/Kafka at 127\.0\.0\.1:1/);
    await bus.close();
  });
});
