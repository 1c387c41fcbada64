// The persister through its ports: upserts with indicators, dead letters, idempotent re-runs, resume after a crash.
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../shared/contracts/market.ts';
import { GROUPS } from '../../shared/contracts/names.ts';
import { type CandleDoc, DATASETS } from '../../shared/contracts/stored.ts';
import { DEAD_LETTER_TOPIC } from '../../shared/harness/dead-letter.ts';
import type { Ports } from '../../shared/harness/function.ts';
import { runAttempts } from '../../shared/harness/step.ts';
import { take } from '../../test/contracts/bus.contract.ts';
import { until } from '../../test/helpers.ts';
import { commandFor, embeddedPorts, stepContext } from '../../test/step-context.ts';
import { createPersister } from './index.ts';

// The published RSI(14) reference series (Wilder, TA-Lib seeding): closes, and RSI from the 15th close.
const CLOSES = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78,
  45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
];
const RSI = [
  70.4641, 66.2496, 66.4809, 69.3469, 66.2947, 57.915, 62.8807, 63.2088, 56.0116, 62.3399, 54.671, 50.3868, 40.0194, 41.4926, 41.9024, 45.4995, 37.3228, 33.0905, 37.7888,
];
const run = (ports: Ports, signal?: AbortSignal) =>
  runAttempts(createPersister({ reportEveryMs: 0 }), stepContext(ports, command, signal), { retries: 0, minDelayMs: 1, maxDelayMs: 1 });

const DAY = Date.UTC(2024, 7, 1);
const command = commandFor('arango-connector', 'BTCUSDT', 'api_candles_5m', '2024-08-01:2024-08-02');

function candle(i: number, warmup = false): Candle {
  const close = 100 + 5 * Math.sin(i / 7) + i * 0.01;
  return {
    kind: 'candle',
    symbol: 'BTCUSDT',
    interval: '5m',
    open_time: DAY + i * 300_000,
    close_time: DAY + (i + 1) * 300_000 - 1,
    open: close - 0.2,
    high: close + 0.5,
    low: close - 0.7,
    close,
    volume: 10 + (i % 5),
    quote_volume: (10 + (i % 5)) * close,
    trades: 50,
    taker_buy_base: 5,
    taker_buy_quote: 5 * close,
    ...(warmup ? { warmup: true } : {}),
  };
}

async function publish(ports: Ports, values: unknown[]) {
  await ports.bus.publish(
    command.kafka_topic,
    values.map((v) => ({ key: 'BTCUSDT', value: typeof v === 'string' ? v : JSON.stringify(v) })),
  );
}

const stream = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => candle(from + k));
const end = (records: number) => ({ kind: 'end', symbol: 'BTCUSDT', records, gaps: [] });

/** A candle closing at `close`, with high = close + 1, low = close - 1 and unit volume: its typical price is its close. */
function at(i: number, close: number, warmup = false): Candle {
  return {
    kind: 'candle',
    symbol: 'BTCUSDT',
    interval: '5m',
    open_time: DAY + i * 300_000,
    close_time: DAY + (i + 1) * 300_000 - 1,
    open: close,
    high: close + 1,
    low: close - 1,
    close,
    volume: 1,
    quote_volume: close,
    trades: 1,
    taker_buy_base: 0.5,
    taker_buy_quote: close / 2,
    ...(warmup ? { warmup: true } : {}),
  };
}

describe('persister', () => {
  it('stores the published RSI(14) series, the day-anchored VWAP and the realized volatility on every candle', async () => {
    const ports = embeddedPorts();
    // The first 14 closes warm up (never stored); the range holds the other 19.
    const warmup = CLOSES.slice(0, 14).map((c, i) => at(i - 14, c, true));
    const range = CLOSES.slice(14).map((c, i) => at(i, c));
    await publish(ports, [...warmup, ...range, end(19)]);
    expect(await run(ports)).toEqual({ records_written: 19, message: 'Saved 19 records to btcusdt_api_candles_5m_2024_08_01' });
    const docs = await ports.store.query<CandleDoc>(command.collection_name, { field: 'open_time' });
    expect(docs.map((d) => d.open_time)).toEqual(range.map((c) => c.open_time));
    docs.forEach((doc, i) => {
      expect(doc.rsi_14).toBeCloseTo(RSI[i]!, 4);
    });
    // Warm-up bars fall on the day before: the VWAP restarts at 00:00 UTC, so with unit volumes it is
    // the running mean of the day's closes.
    docs.forEach((doc, i) => {
      expect(doc.vwap).toBeCloseTo(CLOSES.slice(14, 15 + i).reduce((a, b) => a + b, 0) / (i + 1), 10);
    });
    // 33 closes give 32 log returns: the 30-return window fills at the 31st close (range index 16).
    expect(docs.slice(0, 16).every((d) => d.volatility_30 === null)).toBe(true);
    const returns = CLOSES.slice(1).map((c, i) => Math.log(c / CLOSES[i]!));
    for (const [index, last] of [
      [16, 30],
      [17, 31],
      [18, 32],
    ] as const) {
      const window = returns.slice(last - 30, last);
      const mean = window.reduce((a, b) => a + b, 0) / 30;
      const std = Math.sqrt(window.reduce((sum, r) => sum + (r - mean) ** 2, 0) / 29);
      expect(docs[index]!.volatility_30).toBeCloseTo(std * Math.sqrt(105_120), 10);
    }
    expect(await ports.store.get(DATASETS, command.collection_name)).toMatchObject({ symbol: 'BTCUSDT', kind: 'candles', interval: '5m', from: DAY });
  });

  it('sends bad records to the dead-letter topic with the reason, and goes on', async () => {
    const ports = embeddedPorts();
    await publish(ports, [...stream(0, 10), '{not json', { ...candle(10), high: 1 }, ...stream(11, 20), end(21)]);
    const announced: string[] = [];
    ports.instrumentation.on('record.dead-lettered', (e) => announced.push(`${e.fn}: ${e.reason}`));
    const result = await run(ports);
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
    await run(ports);
    await publish(ports, [...stream(0, 288), end(288)]);
    const again = await run(ports);
    expect(again.records_written).toBe(288);
    expect(await ports.store.count(command.collection_name)).toBe(288);
  });

  it('resumes after a crash from the committed offset, rebuilding indicator state from the store', async () => {
    // Uninterrupted, the published series gives the published RSI; interrupted after 8 stored candles
    // and resumed by a fresh run, it must give the same numbers.
    const ports = embeddedPorts();
    const warmup = CLOSES.slice(0, 14).map((c, i) => at(i - 14, c, true));
    const range = CLOSES.slice(14).map((c, i) => at(i, c));
    await publish(ports, [...warmup, ...range.slice(0, 8)]);
    const controller = new AbortController();
    const first = run(ports, controller.signal);
    await until('8 candles stored', async () => (await ports.store.count(command.collection_name)) === 8);
    controller.abort('shutdown');
    await expect(first).rejects.toBe('shutdown');
    const lag = await ports.bus.lag(GROUPS.persister, command.kafka_topic);
    expect(lag.reduce((s, l) => s + l.lag, 0)).toBe(0);
    await publish(ports, [...range.slice(8), end(19)]);
    expect((await run(ports)).records_written).toBe(19);
    const docs = await ports.store.query<CandleDoc>(command.collection_name, { field: 'open_time' });
    docs.forEach((doc, i) => {
      expect(doc.rsi_14).toBeCloseTo(RSI[i]!, 4);
    });
    expect(docs[18]!.vwap).toBeCloseTo(CLOSES.slice(14).reduce((a, b) => a + b, 0) / 19, 10);
  });
});
