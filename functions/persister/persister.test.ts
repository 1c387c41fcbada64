// The persister through its ports: upserts with indicators, dead letters, idempotent re-runs, resume after a crash.
import { describe, expect, it } from 'vitest';
import { CandleIndicatorState } from '../../shared/analytics/indicators.ts';
import type { Candle } from '../../shared/contracts/market.ts';
import { DATASETS, type CandleDoc } from '../../shared/contracts/stored.ts';
import { DEAD_LETTER_TOPIC } from '../../shared/harness/dead-letter.ts';
import type { Ports } from '../../shared/harness/function.ts';
import { commandFor, embeddedPorts, stepContext } from '../../test/step-context.ts';
import { take } from '../../test/contracts/bus.contract.ts';
import { createPersister, PERSISTER_GROUP } from './index.ts';

const DAY = Date.UTC(2024, 7, 1);
const command = commandFor('arango-connector', 'BTCUSDT', 'api_candles_5m', '2024-08-01:2024-08-02');

function candle(i: number, warmup = false): Candle {
  const close = 100 + 5 * Math.sin(i / 7) + i * 0.01;
  return {
    kind: 'candle', symbol: 'BTCUSDT', interval: '5m', open_time: DAY + i * 300_000, close_time: DAY + (i + 1) * 300_000 - 1,
    open: close - 0.2, high: close + 0.5, low: close - 0.7, close, volume: 10 + (i % 5), quote_volume: (10 + (i % 5)) * close,
    trades: 50, taker_buy_base: 5, taker_buy_quote: 5 * close, ...(warmup ? { warmup: true } : {}),
  };
}

async function publish(ports: Ports, values: unknown[]) {
  await ports.bus.publish(command.kafka_topic, values.map((v) => ({ key: 'BTCUSDT', value: typeof v === 'string' ? v : JSON.stringify(v) })));
}

const stream = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => candle(from + k));
const end = (records: number) => ({ kind: 'end', symbol: 'BTCUSDT', records, gaps: [] });

describe('persister', () => {
  it('stores every candle once with RSI, VWAP and volatility computed over warm-up and range', async () => {
    const ports = embeddedPorts();
    const warmup = Array.from({ length: 40 }, (_, k) => candle(k - 40, true));
    await publish(ports, [...warmup, ...stream(0, 288), end(288)]);
    const result = await createPersister({ reportEveryMs: 0 }).run(stepContext(ports, command));
    expect(result).toEqual({ records_written: 288, message: 'Saved 288 records to btcusdt_api_candles_5m_2024_08_01' });
    const docs = await ports.store.query<CandleDoc>(command.collection_name, { field: 'open_time' });
    expect(docs).toHaveLength(288);
    const state = new CandleIndicatorState(300_000);
    const expected = [...warmup, ...stream(0, 288)].map((c) => state.next(c)).slice(40);
    docs.forEach((doc, i) => {
      expect(doc.open_time).toBe(DAY + i * 300_000);
      expect(doc.rsi_14).toBeCloseTo(expected[i]!.rsi_14!, 10);
      expect(doc.vwap).toBeCloseTo(expected[i]!.vwap!, 10);
      expect(doc.volatility_30).toBeCloseTo(expected[i]!.volatility_30!, 10);
    });
    expect(docs.every((d) => d.rsi_14 !== null && d.volatility_30 !== null)).toBe(true);
    expect(await ports.store.get(DATASETS, command.collection_name)).toMatchObject({ symbol: 'BTCUSDT', kind: 'candles', interval: '5m', from: DAY });
  });

  it('sends bad records to the dead-letter topic with the reason, and goes on', async () => {
    const ports = embeddedPorts();
    await publish(ports, [...stream(0, 10), '{not json', { ...candle(10), high: 1 }, ...stream(11, 20), end(21)]);
    const announced: string[] = [];
    ports.instrumentation.on('record.dead-lettered', (e) => announced.push(`${e.fn}: ${e.reason}`));
    const result = await createPersister().run(stepContext(ports, command));
    expect(announced).toEqual([expect.stringMatching(/^persister: malformed JSON/), 'persister: high: high/low must bound open and close']);
    expect(result.records_written).toBe(19);
    expect(result.message).toMatch(/2 of the loader's 21 records were dead-lettered/);
    const sub = ports.bus.subscribe({ group: 'dlq-reader', topics: [DEAD_LETTER_TOPIC] });
    const dead = await take(sub, 2);
    await sub.close();
    expect(dead.map((r) => r.headers['x-dead-letter-reason'])).toEqual([expect.stringMatching(/^malformed JSON/), 'high: high/low must bound open and close']);
    expect(dead.map((r) => r.headers['x-source-offset'])).toEqual(['10', '11']);
    expect(dead[0]!.value).toBe('{not json');
  });

  it('creates no duplicates when the same stream is persisted again', async () => {
    const ports = embeddedPorts();
    await publish(ports, [...stream(0, 288), end(288)]);
    await createPersister().run(stepContext(ports, command));
    await publish(ports, [...stream(0, 288), end(288)]);
    const again = await createPersister().run(stepContext(ports, command));
    expect(again.records_written).toBe(288);
    expect(await ports.store.count(command.collection_name)).toBe(288);
  });

  it('resumes after a crash from the committed offset, rebuilding indicator state from the store', async () => {
    const ports = embeddedPorts();
    await publish(ports, [...stream(0, 100)]);
    // First run: crash (abort) once the first records are committed.
    const controller = new AbortController();
    const first = createPersister().run(stepContext(ports, command, controller.signal));
    while ((await ports.store.count(command.collection_name)) < 100) await new Promise((r) => setTimeout(r, 10));
    controller.abort('shutdown');
    await expect(first).rejects.toBeDefined();
    const lag = await ports.bus.lag(PERSISTER_GROUP, command.kafka_topic);
    expect(lag.reduce((s, l) => s + l.lag, 0)).toBe(0);
    await publish(ports, [...stream(100, 288), end(288)]);
    const resumed = await createPersister().run(stepContext(ports, command));
    expect(resumed.records_written).toBe(288);
    const docs = await ports.store.query<CandleDoc>(command.collection_name, { field: 'open_time' });
    const state = new CandleIndicatorState(300_000);
    const expected = stream(0, 288).map((c) => state.next(c));
    expect(docs[150]!.rsi_14).toBeCloseTo(expected[150]!.rsi_14!, 10);
    expect(docs[100]!.volatility_30).toBeCloseTo(expected[100]!.volatility_30!, 10);
  });
});
