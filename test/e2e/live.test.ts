// Scenario 2 end to end on embedded adapters: a live workflow streams trades, candles and the order book
// of ETHUSDT from the simulator's WebSocket (its clock 60× fast, so a 1m candle closes every second),
// stores trades and closed candles as they come, and stops cleanly when cancelled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../platform/local.ts';
import { formatDate } from '../../shared/contracts/time-range.ts';
import type { Step } from '../../shared/contracts/workflow.ts';
import { take } from '../contracts/bus.contract.ts';
import { api, ended, getWorkflow, startTestPlatform, waitForWorkflow } from '../helpers.ts';

const DAY_MS = 86_400_000;
/** Today and the next two days (UTC): the simulator's fast clock stays inside it for the whole test. */
const liveRange = () => `${formatDate(Date.now())}:${formatDate(Date.now() + 2 * DAY_MS)}`;

describe('a live workflow', () => {
  let platform: LocalPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ SIM_SPEED: '60' });
  });
  afterAll(async () => platform?.stop());

  const step = (steps: readonly Step[], target: string, type: string) => steps.find((s) => s.target === target && s.type.kind === type)!;

  it('streams until cancelled: trades contiguous by id, closed candles with indicators, books on the data topic, then every step cancelled', async () => {
    const started = await api(platform, '/workflows', { json: { symbols: ['ETHUSDT'], types: ['ws_trades', 'ws_candles_1m', 'ws_depth'], time_range: liveRange() } });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    expect((await getWorkflow(platform, id)).steps.map((s: Step) => `${s.target} ${s.queue_id.split('-')[2]}`).sort()).toEqual([
      'arango-connector ws_candles_1m',
      'arango-connector ws_trades',
      'loader-ws ws_candles_1m',
      'loader-ws ws_depth',
      'loader-ws ws_trades',
    ]);
    const running = await waitForWorkflow(
      platform,
      id,
      (w) => step(w.steps, 'arango-connector', 'trades').records_written >= 30 && step(w.steps, 'arango-connector', 'candles').records_written >= 3,
      60_000,
    );
    expect(running.status).toBe('running');
    expect(step(running.steps, 'loader-ws', 'depth').message).toMatch(/^Streaming: \d+ records live/);
    const depthTopic = step(running.steps, 'loader-ws', 'depth').kafka_topic;
    const [book] = await take(platform.ports.bus.subscribe({ group: 'test-book-reader', topics: [depthTopic] }), 1);
    expect(JSON.parse(book!.value)).toMatchObject({ kind: 'book', symbol: 'ETHUSDT', update_id: expect.any(Number), bids: expect.any(Array), asks: expect.any(Array) });

    const cancelled = await api(platform, `/workflows/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    const done = await waitForWorkflow(platform, id, ended);
    expect(done.status).toBe('cancelled');
    expect(done.steps.map((s) => s.status)).toEqual(done.steps.map(() => 'cancelled'));

    const date = formatDate(Date.now()).replaceAll('-', '_');
    const trades = await platform.ports.store.query<{ _key: string; agg_id: number; price: number }>(`ethusdt_ws_trades_${date}`, { field: 'agg_id' });
    expect(trades.length).toBeGreaterThanOrEqual(30);
    trades.forEach((t, i) => {
      if (i > 0) expect(t.agg_id).toBe(trades[i - 1]!.agg_id + 1);
    });
    // The same trades the exchange serves over REST for those ids.
    const rest = await (await fetch(`${platform.restUrl}/api/v3/aggTrades?symbol=ETHUSDT&fromId=${trades[0]!.agg_id}&limit=${Math.min(trades.length, 1000)}`)).json();
    expect(trades.slice(0, 1000).map((t) => [t.agg_id, t.price])).toEqual(rest.map((r: { a: number; p: string }) => [r.a, Number(r.p)]));

    const candles = await platform.ports.store.query<{ _key: string; open_time: number; rsi_14: number | null; close: number }>(`ethusdt_ws_candles_1m_${date}`, {
      field: 'open_time',
    });
    expect(candles.length).toBeGreaterThanOrEqual(3);
    candles.forEach((c, i) => {
      if (i > 0) expect(c.open_time).toBe(candles[i - 1]!.open_time + 60_000);
      // Warmed up from REST before the first live bar: RSI is defined from the first stored candle on.
      expect(c.rsi_14).toBeGreaterThan(0);
    });
    const klines = await (await fetch(`${platform.restUrl}/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=${candles[0]!.open_time}&limit=${candles.length}`)).json();
    expect(candles.map((c) => c.close)).toEqual(klines.map((k: string[]) => Number(k[4])));
  });

  it('refuses a live workflow for a symbol the exchange does not list, or over a range already past', async () => {
    const unknown = await api(platform, '/workflows', { json: { symbols: ['FOOUSDT'], types: ['ws_trades'], time_range: liveRange() } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ field: 'symbols[0]', error: expect.stringContaining('unknown symbol FOOUSDT on the exchange') });
    const past = await api(platform, '/workflows', { json: { symbols: ['ETHUSDT'], types: ['ws_depth'], time_range: '2024-08-01:2024-08-02' } });
    expect(past.status).toBe(400);
    expect(past.body.field).toBe('time_range');
  });
});
