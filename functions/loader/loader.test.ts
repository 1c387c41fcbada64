// The loader against the exchange simulator: paging, gaps, the weight limit, 429s and broken pages.
import { afterEach, describe, expect, it } from 'vitest';
import { startExchangeSim, type RunningExchangeSim } from '../exchange-sim/serve.ts';
import type { Candle, MarketRecord, Trade } from '../../shared/contracts/market.ts';
import { commandFor, embeddedPorts, readStream, stepContext } from '../../test/step-context.ts';
import { createLoader } from './index.ts';
import { WARMUP_BARS } from '../../shared/analytics/warmup.ts';

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
  const result = await createLoader({ restUrl: sim!.url, reportEveryMs: 0 }).run(ctx);
  const records = (await readStream(ports, command.kafka_topic)).map((r) => JSON.parse(r.value) as MarketRecord);
  return { result, records, ctx };
}

const trades = (records: MarketRecord[]) => records.filter((r): r is Trade => r.kind === 'trade');
const candles = (records: MarketRecord[]) => records.filter((r): r is Candle => r.kind === 'candle');

describe('loader', () => {
  it('pages klines by time: warm-up bars first, then the whole range, closed by an end record', async () => {
    sim = await startExchangeSim();
    const { result, records, ctx } = await load('api_candles_1m', '2024-08-01:2024-08-03');
    const all = candles(records);
    const inRange = all.filter((c) => !c.warmup);
    expect(all.filter((c) => c.warmup)).toHaveLength(WARMUP_BARS);
    expect(inRange).toHaveLength(2 * 1440);
    inRange.forEach((c, i) => expect(c.open_time).toBe(DAY + i * 60_000));
    expect(records.at(-1)).toEqual({ kind: 'end', symbol: 'BTCUSDT', records: 2880, gaps: [] });
    expect(result).toEqual({ records_written: 2880, message: 'Loaded 2880 records' });
    expect(ctx.reports.at(-1)!.records_written).toBe(2880);
  });

  it('pages aggregated trades by id: complete, contiguous, no duplicates, only inside the range', async () => {
    sim = await startExchangeSim();
    const { result, records } = await load('api_trades', '2024-08-01:2024-08-02');
    const got = trades(records);
    const perHour = sim.sim.config.symbols.find((s) => s.symbol === 'BTCUSDT')!.tradesPerHour;
    expect(got).toHaveLength(24 * perHour);
    got.forEach((t, i) => i > 0 && expect(t.agg_id).toBe(got[i - 1]!.agg_id + 1));
    expect(got.every((t) => t.time >= DAY && t.time < DAY + 86_400_000)).toBe(true);
    expect(result.records_written).toBe(24 * perHour);
  });

  it('finishes a load complete and without duplicates across a 429 with Retry-After in the middle', async () => {
    sim = await startExchangeSim();
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 429, retryAfterSeconds: 1, afterRequests: 8, count: 1 });
    const started = Date.now();
    const { records } = await load('api_trades', '2024-08-01:2024-08-02');
    const got = trades(records);
    expect(sim.sim.stats.snapshot().responses['429'] ?? 0).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000); // it waited as told
    expect(new Set(got.map((t) => t.agg_id)).size).toBe(got.length);
    expect(got).toHaveLength(28_800);
  });

  it('stays under the announced weight limit by reading the weight header', async () => {
    // 60 weight per one-second window: a day of trades needs ~30 requests of weight 4.
    sim = await startExchangeSim({ weightLimit: 60, weightWindowMs: 1000 });
    const { records } = await load('api_trades', '2024-08-01:2024-08-02');
    expect(trades(records)).toHaveLength(28_800);
    expect(sim.sim.stats.snapshot().responses['429'] ?? 0).toBe(0);
  });

  it('retries a page that fails with 500 or returns malformed JSON, and loses nothing', async () => {
    sim = await startExchangeSim();
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 500, afterRequests: 5, count: 2 });
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'malformed', afterRequests: 12, count: 1 });
    const { records } = await load('api_trades', '2024-08-01:2024-08-02');
    const got = trades(records);
    expect(got).toHaveLength(28_800);
    expect(new Set(got.map((t) => t.agg_id)).size).toBe(28_800);
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

  it('fails with the exchange\'s own message for an unknown symbol', async () => {
    sim = await startExchangeSim();
    await expect(load('api_candles_5m', '2024-08-01:2024-08-02', 'FOOUSDT')).rejects.toThrow(/-1121.*Invalid symbol/);
  });
});
