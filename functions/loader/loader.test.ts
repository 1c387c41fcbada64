// The loader against the exchange simulator: paging, gaps, the weight limit, 429s, broken pages, resuming
// after a failure without reloading, clipping at the exchange's clock, and bad records dead-lettered.
import { afterEach, describe, expect, it } from 'vitest';
import { WARMUP_BARS } from '../../shared/analytics/warmup.ts';
import type { Candle, MarketRecord, Trade } from '../../shared/contracts/market.ts';
import { DEAD_LETTER_TOPIC } from '../../shared/harness/dead-letter.ts';
import { take } from '../../test/contracts/bus.contract.ts';
import { commandFor, embeddedPorts, readStream, runStep, stepContext } from '../../test/step-context.ts';
import { type RunningExchangeSim, startExchangeSim } from '../exchange-sim/serve.ts';
import { createLoader } from './index.ts';

const DAY = Date.UTC(2024, 7, 1);
let sim: RunningExchangeSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function load(type: string, range: string, symbol = 'BTCUSDT') {
  const ports = embeddedPorts();
  const command = commandFor('loader-producer', symbol, type, range);
  const ctx = stepContext(ports, command);
  const { result, notices } = runStep(createLoader({ restUrl: sim!.url, reportEveryMs: 0 }), ctx);
  const outcome = await result;
  const records = (await readStream(ports, command.kafka_topic)).map((r) => JSON.parse(r.value) as MarketRecord);
  return { result: outcome, records, ctx, notices, ports };
}

const trades = (records: MarketRecord[]) => records.filter((r): r is Trade => r.kind === 'trade');
const candles = (records: MarketRecord[]) => records.filter((r): r is Candle => r.kind === 'candle');
const served = (path: string) => sim!.sim.stats.snapshot().requests[path] ?? 0;

describe('loader', () => {
  it('pages klines by time: warm-up bars first, then the whole range, closed by an end record', async () => {
    sim = await startExchangeSim();
    const { result, records, ctx } = await load('api_candles_1m', '2024-08-01:2024-08-03');
    const all = candles(records);
    const inRange = all.filter((c) => !c.warmup);
    expect(all.filter((c) => c.warmup)).toHaveLength(WARMUP_BARS);
    expect(inRange).toHaveLength(2 * 1440);
    inRange.forEach((c, i) => {
      expect(c.open_time).toBe(DAY + i * 60_000);
    });
    expect(records.at(-1)).toEqual({ kind: 'end', symbol: 'BTCUSDT', records: 2880, gaps: [] });
    expect(result).toEqual({ records_written: 2880, message: 'Loaded 2880 records' });
    expect(ctx.reports.at(-1)!.records_written).toBe(2880);
  });

  it('pages aggregated trades by id: complete, contiguous, no duplicates, only inside the range', async () => {
    sim = await startExchangeSim();
    const { result, records } = await load('api_trades', '2024-08-01:2024-08-02');
    const got = trades(records);
    expect(got).toHaveLength(28_800);
    got.forEach((t, i) => {
      if (i > 0) expect(t.agg_id).toBe(got[i - 1]!.agg_id + 1);
    });
    expect(got.every((t) => t.time >= DAY && t.time < DAY + 86_400_000)).toBe(true);
    expect(result.records_written).toBe(28_800);
  });

  it('waits as a 429 asks (Retry-After) and finishes complete, fetching only the refused page again', async () => {
    sim = await startExchangeSim();
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 429, retryAfterSeconds: 1, afterRequests: 8, count: 1 });
    const started = Date.now();
    const { records, notices } = await load('api_trades', '2024-08-01:2024-08-02');
    const got = trades(records);
    expect(sim.sim.stats.snapshot().responses['429']).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(notices).toEqual([{ attempt: 1, error: expect.stringMatching(/^rate limited by .*retrying after 1000 ms$/), delayMs: 1000 }]);
    expect(new Set(got.map((t) => t.agg_id)).size).toBe(got.length);
    expect(got).toHaveLength(28_800);
    // 1 search + 29 pages of 1000, and the refused page once more: nothing reloaded from the start.
    expect(served('/api/v3/aggTrades')).toBe(1 + 29 + 1);
  });

  it('stays under the announced weight limit by reading the weight header', async () => {
    // 60 weight per one-second window: a day of trades needs ~30 requests of weight 4.
    sim = await startExchangeSim({ weightLimit: 60, weightWindowMs: 1000 });
    const { records } = await load('api_trades', '2024-08-01:2024-08-02');
    expect(trades(records)).toHaveLength(28_800);
    expect(sim.sim.stats.snapshot().responses['429'] ?? 0).toBe(0);
  });

  it('resumes at the page that failed with 500 or malformed JSON, and loses and repeats nothing', async () => {
    sim = await startExchangeSim();
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 500, afterRequests: 5, count: 2 });
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'malformed', afterRequests: 12, count: 1 });
    const { records, notices } = await load('api_trades', '2024-08-01:2024-08-02');
    const got = trades(records);
    expect(got.map((t) => t.agg_id)).toEqual(Array.from({ length: 28_800 }, (_, i) => got[0]!.agg_id + i));
    expect(notices.map((n) => n.error)).toEqual([expect.stringMatching(/HTTP 500/), expect.stringMatching(/HTTP 500/), expect.stringMatching(/malformed JSON/)]);
    expect(served('/api/v3/aggTrades')).toBe(1 + 29 + 3);
  });

  it('reports the gap of an exchange maintenance window instead of inventing candles', async () => {
    const from = Date.UTC(2024, 7, 1, 10);
    const to = Date.UTC(2024, 7, 1, 11, 30);
    sim = await startExchangeSim({ maintenance: [{ from, to }] });
    const { result, records } = await load('api_candles_5m', '2024-08-01:2024-08-02');
    expect(candles(records).filter((c) => !c.warmup)).toHaveLength(288 - 18);
    expect(records.at(-1)).toMatchObject({ kind: 'end', records: 270, gaps: [{ from, to }] });
    expect(result.message).toBe('Loaded 270 records; 1 gap(s) reported by the exchange, first 2024-08-01T10:00Z–2024-08-01T11:30Z');
  });

  it("stores only closed candles: a range reaching into the present is clipped at the exchange's clock, and says so", async () => {
    const now = Date.UTC(2024, 7, 1, 10, 42, 17);
    sim = await startExchangeSim({ now: () => now });
    const { result, records } = await load('api_candles_1h', '2024-08-01:2024-08-02');
    const stored = candles(records).filter((c) => !c.warmup);
    expect(stored.map((c) => c.open_time)).toEqual(Array.from({ length: 10 }, (_, h) => DAY + h * 3_600_000));
    expect(stored.every((c) => c.close_time < now)).toBe(true);
    expect(records.at(-1)).toEqual({ kind: 'end', symbol: 'BTCUSDT', records: 10, gaps: [] });
    expect(result.message).toBe('Loaded 10 records; range clipped at 2024-08-01T10:00Z: the last closed 1h candle ended at 2024-08-01T10:00Z');
  });

  it("clips trades at the exchange's clock too", async () => {
    const now = Date.UTC(2024, 7, 1, 2, 30);
    sim = await startExchangeSim({ now: () => now });
    const { result, records } = await load('api_trades', '2024-08-01:2024-08-02');
    const got = trades(records);
    expect(got.every((t) => t.time < now)).toBe(true);
    expect(got.length).toBeGreaterThan(2.4 * 1200);
    expect(got.length).toBeLessThan(2.6 * 1200);
    expect(result.message).toMatch(/; range clipped at 2024-08-01T02:30Z: the exchange's clock reads 2024-08-01T02:30Z$/);
  });

  it('starts the warm-up at the listing when the range begins soon after it', async () => {
    sim = await startExchangeSim();
    const listing = sim.sim.config.symbols.find((s) => s.symbol === 'SOLUSDT')!.listedAt;
    const day = new Date(listing + 86_400_000).toISOString().slice(0, 10);
    const next = new Date(listing + 2 * 86_400_000).toISOString().slice(0, 10);
    const { records } = await load('api_candles_1h', `${day}:${next}`, 'SOLUSDT');
    const warmup = candles(records).filter((c) => c.warmup);
    expect(warmup[0]!.open_time).toBe(listing);
    expect(warmup.length).toBeLessThan(WARMUP_BARS);
    expect(candles(records).filter((c) => !c.warmup)).toHaveLength(24);
  });

  it('dead-letters a record the exchange sent broken, with the reason and its source, and loads the rest', async () => {
    sim = await startExchangeSim();
    // A kline whose high is below its low: the data topic's schema refuses it at publish.
    sim.sim.faults.inject({
      path: '/api/v3/klines',
      kind: 'body',
      afterRequests: 1,
      count: 1,
      body: [[DAY, '100', '90', '110', '95', '1', DAY + 299_999, '95', 1, '0.5', '47', '0']],
    });
    const { records, ports } = await load('api_candles_5m', '2024-08-01:2024-08-02');
    const sub = ports.bus.subscribe({ group: 'dlq', topics: [DEAD_LETTER_TOPIC] });
    const [dead] = await take(sub, 1);
    await sub.close();
    expect(dead!.headers['x-dead-letter-reason']).toBe('high: high/low must bound open and close');
    expect(dead!.headers['x-dead-letter-function']).toBe('loader');
    expect(dead!.headers['x-source']).toMatch(/\/api\/v3\/klines$/);
    expect(JSON.parse(dead!.value)).toMatchObject({ kind: 'candle', open_time: DAY, high: 90 });
    expect(records.at(-1)).toMatchObject({ kind: 'end', records: 0 });
  });

  it("fails with the exchange's own message for an unknown symbol, without retrying", async () => {
    sim = await startExchangeSim();
    const ports = embeddedPorts();
    const ctx = stepContext(ports, commandFor('loader-producer', 'FOOUSDT', 'api_candles_5m', '2024-08-01:2024-08-02'));
    const { result, notices } = runStep(createLoader({ restUrl: sim.url }), ctx);
    await expect(result).rejects.toThrow(/^Binance error -1121 from .*: Invalid symbol\.$/);
    expect(notices).toEqual([]);
  });
});
