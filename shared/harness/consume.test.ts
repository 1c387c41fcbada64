// consume: parsed batches, bad records dead-lettered by the topic's own reader and only skipped by a
// reader that merely watches the topic.
import { describe, expect, it } from 'vitest';
import { take } from '../../test/contracts/bus.contract.ts';
import { embeddedPorts } from '../../test/step-context.ts';
import { dataTopic } from '../contracts/market.ts';
import { consume } from './consume.ts';
import { DEAD_LETTER_TOPIC } from './dead-letter.ts';

const trade = { kind: 'trade', symbol: 'ETHUSDT', agg_id: 1, price: 3200.5, qty: 0.1, first_id: 2, last_id: 2, time: 1_725_148_800_000, buyer_maker: false };

async function firstBatch(ports: ReturnType<typeof embeddedPorts>, group: string, deadLetters?: boolean) {
  const topic = dataTopic('wf-ethusdt-ws_trades-20240901-abc123-data');
  for await (const batch of consume(ports, { fn: 'reader', group, topic, ...(deadLetters === undefined ? {} : { deadLetters }) })) {
    await batch.commit();
    return batch.messages.map((m) => m.value);
  }
  return [];
}

describe('consume', () => {
  it("dead-letters a bad record for the topic's own reader, and a watching reader skips it without a second letter", async () => {
    const ports = embeddedPorts();
    await ports.bus.publish('wf-ethusdt-ws_trades-20240901-abc123-data', [
      { key: 'ETHUSDT', value: JSON.stringify(trade) },
      { key: 'ETHUSDT', value: '{"kind":"trade","symbol":"ETHUSDT"}' },
    ]);
    const letters = ports.bus.subscribe({ group: 'letters', topics: [DEAD_LETTER_TOPIC] });
    expect(await firstBatch(ports, 'owner')).toEqual([trade]);
    expect(await firstBatch(ports, 'watcher', false)).toEqual([trade]);
    const [letter, ...more] = await take(letters, 1);
    expect(letter!.headers['x-dead-letter-function']).toBe('reader');
    expect(more).toEqual([]);
    await expect(take(letters, 1, { timeoutMs: 300 })).rejects.toThrow(/0 of 1 records/);
    await letters.close();
  });
});
