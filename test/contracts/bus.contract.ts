// The Bus contract: every adapter (embedded, Kafka) must pass these same tests.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch, Bus, BusRecord, Subscription } from '../../shared/ports/bus.ts';

/** Reads batches until `count` records arrived; commits unless told not to; fails the test at the deadline. */
export async function take(sub: Subscription, count: number, options: { commit?: boolean; timeoutMs?: number } = {}): Promise<BusRecord[]> {
  const records: BusRecord[] = [];
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const iterator = sub[Symbol.asyncIterator]();
  while (records.length < count) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new Error(`take: ${records.length} of ${count} records within ${options.timeoutMs ?? 20_000} ms`);
    const next = await Promise.race([iterator.next(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), remaining).unref())]);
    if (next === 'timeout') continue;
    if (next.done) throw new Error(`take: the subscription ended after ${records.length} of ${count} records`);
    const batch: Batch = next.value;
    records.push(...batch.records);
    if (options.commit !== false) await batch.commit();
  }
  return records;
}

export function busContract(name: string, makeBus: () => Promise<Bus>, teardown: (bus: Bus) => Promise<void> = (bus) => bus.close()) {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    beforeAll(async () => {
      bus = await makeBus();
    });
    afterAll(async () => teardown(bus));

    const fresh = async (partitions = 3) => {
      const topic = `contract-${randomUUID().slice(0, 8)}`;
      await bus.ensureTopic(topic, { partitions });
      return topic;
    };

    it('keeps the order of records with the same key', async () => {
      const topic = await fresh();
      const keys = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
      const sent = Array.from({ length: 300 }, (_, i) => ({ key: keys[i % 3]!, value: `${keys[i % 3]}:${i}` }));
      await bus.publish(topic, sent);
      const sub = bus.subscribe({ group: `g-${randomUUID()}`, topics: [topic] });
      const got = await take(sub, 300);
      await sub.close();
      expect(got).toHaveLength(300);
      for (const key of keys) {
        const expectedOrder = sent.filter((r) => r.key === key).map((r) => r.value);
        expect(got.filter((r) => r.key === key).map((r) => r.value)).toEqual(expectedOrder);
        expect(new Set(got.filter((r) => r.key === key).map((r) => r.partition)).size).toBe(1);
      }
    });

    it('carries headers and gives each record its topic, partition and offset', async () => {
      const topic = await fresh(1);
      await bus.publish(topic, [
        { key: 'k', value: 'v1', headers: { 'x-reason': 'because' } },
        { key: 'k', value: 'v2' },
      ]);
      const sub = bus.subscribe({ group: `g-${randomUUID()}`, topics: [topic] });
      const got = await take(sub, 2);
      await sub.close();
      expect(got.map((r) => [r.topic, r.partition, r.offset, r.value])).toEqual([
        [topic, 0, 0, 'v1'],
        [topic, 0, 1, 'v2'],
      ]);
      expect(got[0]!.headers['x-reason']).toBe('because');
    });

    it('gives each consumer group its own offsets', async () => {
      const topic = await fresh();
      await bus.publish(
        topic,
        Array.from({ length: 50 }, (_, i) => ({ key: `k${i % 5}`, value: String(i) })),
      );
      const a = bus.subscribe({ group: `a-${randomUUID()}`, topics: [topic] });
      const b = bus.subscribe({ group: `b-${randomUUID()}`, topics: [topic] });
      const [fromA, fromB] = await Promise.all([take(a, 50), take(b, 50)]);
      await Promise.all([a.close(), b.close()]);
      expect(fromA.map((r) => r.value).sort()).toEqual(fromB.map((r) => r.value).sort());
      expect(new Set(fromA.map((r) => r.value)).size).toBe(50);
    });

    it('redelivers uncommitted records to the next member after a crash, and not committed ones', async () => {
      const topic = await fresh(1);
      const group = `g-${randomUUID()}`;
      await bus.publish(
        topic,
        Array.from({ length: 10 }, (_, i) => ({ key: 'k', value: String(i) })),
      );
      const first = bus.subscribe({ group, topics: [topic], maxBatchSize: 4 });
      const iterator = first[Symbol.asyncIterator]();
      const committedBatch = (await iterator.next()).value as Batch;
      await committedBatch.commit();
      const uncommitted = (await iterator.next()).value as Batch;
      expect(uncommitted.records.length).toBeGreaterThan(0);
      await first.close(); // the member dies without committing its second batch
      const second = bus.subscribe({ group, topics: [topic] });
      const redelivered = await take(second, 10 - committedBatch.records.length);
      await second.close();
      expect(redelivered.map((r) => r.value)).toEqual(Array.from({ length: 10 - committedBatch.records.length }, (_, i) => String(i + committedBatch.records.length)));
    });

    it('commits up to a given record', async () => {
      const topic = await fresh(1);
      const group = `g-${randomUUID()}`;
      await bus.publish(
        topic,
        Array.from({ length: 5 }, (_, i) => ({ key: 'k', value: String(i) })),
      );
      const first = bus.subscribe({ group, topics: [topic] });
      const iterator = first[Symbol.asyncIterator]();
      const batch = (await iterator.next()).value as Batch;
      await batch.commit(batch.records.find((r) => r.value === '1'));
      await first.close();
      const second = bus.subscribe({ group, topics: [topic] });
      const rest = await take(second, 3);
      await second.close();
      expect(rest.map((r) => r.value)).toEqual(['2', '3', '4']);
    });

    it('reports lag per partition as end offset minus committed offset', async () => {
      const topic = await fresh(2);
      const group = `g-${randomUUID()}`;
      const records = Array.from({ length: 40 }, (_, i) => ({ key: `key-${i % 4}`, value: String(i) }));
      await bus.publish(topic, records);
      const sub = bus.subscribe({ group, topics: [topic] });
      const iterator = sub[Symbol.asyncIterator]();
      const batch = (await iterator.next()).value as Batch;
      await batch.commit();
      await sub.close();
      const lag = await bus.lag(group, topic);
      expect(lag.map((l) => l.partition).sort()).toEqual([0, 1]);
      expect(lag.reduce((sum, l) => sum + l.endOffset, 0)).toBe(40);
      expect(lag.reduce((sum, l) => sum + l.lag, 0)).toBe(40 - batch.records.length);
      const committedPartition = lag.find((l) => l.partition === batch.partition)!;
      expect(committedPartition.committedOffset).toBe(batch.records.at(-1)!.offset + 1);
    });

    it('deletes a topic and lists the topics it has; publishing elsewhere goes on', async () => {
      const topic = await fresh(1);
      const group = `g-${randomUUID()}`;
      await bus.publish(topic, [{ key: 'k', value: 'old' }]);
      const sub = bus.subscribe({ group, topics: [topic] });
      expect((await take(sub, 1)).map((r) => r.value)).toEqual(['old']);
      await sub.close();
      expect(await bus.listTopics()).toContain(topic);
      await bus.deleteTopic(topic);
      expect(await bus.listTopics()).not.toContain(topic);
      expect((await bus.lag(group, topic)).reduce((sum, p) => sum + p.lag, 0)).toBe(0);
      await bus.deleteTopic(topic); // deleting again is no error
      const next = await fresh(1);
      await bus.publish(next, [{ key: 'k', value: 'new' }]);
      const again = bus.subscribe({ group, topics: [next] });
      expect((await take(again, 1)).map((r) => r.value)).toEqual(['new']);
      await again.close();
    });

    it('delivers records published after the subscription started', async () => {
      const topic = await fresh(1);
      const sub = bus.subscribe({ group: `g-${randomUUID()}`, topics: [topic] });
      const pending = take(sub, 3);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await bus.publish(
        topic,
        [1, 2, 3].map((i) => ({ key: 'late', value: String(i) })),
      );
      const got = await pending;
      await sub.close();
      expect(got.map((r) => r.value)).toEqual(['1', '2', '3']);
    });

    it('serves every member of a group that reads a topic of its own (the persister and visualizer do)', async () => {
      const topics = [await fresh(1), await fresh(2), await fresh(1)];
      const group = `g-${randomUUID()}`;
      const subs = topics.map((topic) => bus.subscribe({ group, topics: [topic] }));
      for (const [i, topic] of topics.entries())
        await bus.publish(
          topic,
          [0, 1, 2].map((n) => ({ key: `k${n}`, value: `${i}:${n}` })),
        );
      const got = await Promise.all(subs.map((sub) => take(sub, 3, { commit: true })));
      await Promise.all(subs.map((sub) => sub.close()));
      got.forEach((records, i) => {
        expect(records.map((r) => r.topic)).toEqual([topics[i], topics[i], topics[i]]);
        expect(records.map((r) => r.value).sort()).toEqual([`${i}:0`, `${i}:1`, `${i}:2`]);
      });
    });
  });
}
