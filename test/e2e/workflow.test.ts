// Scenario 1 up to persistence, end to end on embedded adapters: exact counts, indicators, re-runs, and
// reading everything back page by page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExchangeSim } from '../../functions/exchange-sim/serve.ts';
import type { LocalPlatform } from '../../platform/local.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { DAY_COUNTS, api, ended, persistedCounts, startTestPlatform, waitForWorkflow } from '../helpers.ts';

const DAY = Date.UTC(2024, 7, 1);

describe('two symbols, one day, candles and trades', () => {
  let platform: LocalPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.stop());

  async function runToEnd(time_range: string) {
    const started = await api(platform, '/workflows', { json: { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.stringMatching(/^wf-/), status: 'running' });
    return waitForWorkflow(platform, started.body.id, ended);
  }

  const storedTrades = async (symbol: string, day: string) =>
    (await platform.ports.store.query<{ _key: string; agg_id: number }>(`${symbol.toLowerCase()}_api_trades_${day}`, { field: 'agg_id' })).map((t) => t.agg_id);

  it('succeeds with 288 contiguous candles per symbol, indicators on each, and every trade the exchange served', async () => {
    const workflow = await runToEnd('2024-08-01:2024-08-02');
    expect(workflow.status, JSON.stringify(workflow.steps.map((s) => s.message))).toBe('succeeded');
    expect(workflow.steps).toHaveLength(8);
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
      const { body } = await api(platform, `/candles?symbol=${symbol}&interval=5m&from=${DAY}&to=${DAY + 86_400_000}&limit=10000`);
      expect(body).toMatchObject({ count: 288, partial: false, next: null });
      expect(body.candles.map((c: { open_time: number }) => c.open_time)).toEqual(Array.from({ length: 288 }, (_, i) => DAY + i * 300_000));
      for (const candle of body.candles) {
        expect(candle.rsi_14).toBeGreaterThanOrEqual(0);
        expect(candle.rsi_14).toBeLessThanOrEqual(100);
        expect(candle.vwap).toBeGreaterThanOrEqual(candle.low * 0.9);
        expect(candle.volatility_30).toBeGreaterThan(0);
      }
      // Every trade the exchange has in the range is stored exactly once: ids contiguous from the day's first.
      const ids = await storedTrades(symbol, '2024_08_01');
      expect(ids).toHaveLength(DAY_COUNTS[`${symbol}/api_trades` as keyof typeof DAY_COUNTS]);
      ids.forEach((id, i) => {
        if (i > 0) expect(id).toBe(ids[i - 1]! + 1);
      });
      const first = await fetch(`${platform.restUrl}/api/v3/aggTrades?symbol=${symbol}&startTime=${DAY}&endTime=${DAY + 3_599_999}&limit=1`);
      expect(ids[0]).toBe(((await first.json()) as { a: number }[])[0]!.a);
    }
  });

  it('reads all 28,800 BTCUSDT trades of the day back page by page, each exactly once, in (time, id) order', async () => {
    const workflow = await runToEnd('2024-08-02:2024-08-03');
    expect(workflow.status).toBe('succeeded');
    const from = Date.UTC(2024, 7, 2);
    const stored = await storedTrades('BTCUSDT', '2024_08_02');
    expect(stored).toHaveLength(28_800);
    const seen: { agg_id: number; time: number }[] = [];
    let path: string | null = `/trades?symbol=BTCUSDT&from=${from}&to=${from + 86_400_000}&limit=1000`;
    let pages = 0;
    while (path) {
      const { status, body, headers }: { status: number; body: { trades: { agg_id: number; time: number }[]; next: string | null; partial: boolean }; headers: Headers } =
        await api(platform, path);
      expect(status).toBe(200);
      pages++;
      seen.push(...body.trades);
      expect(body.partial).toBe(body.next !== null);
      if (body.next) expect(headers.get('link')).toBe(`<${body.next}>; rel="next"`);
      path = body.next;
    }
    expect(pages).toBe(29);
    expect(seen).toHaveLength(28_800);
    expect(new Set(seen.map((t) => t.agg_id)).size).toBe(28_800);
    expect(seen.map((t) => t.agg_id).sort((a, b) => a - b)).toEqual([...stored].sort((a, b) => a - b));
    // Milliseconds holding several trades are where paging by time alone loses rows.
    const shared = seen.filter((t, i) => i > 0 && t.time === seen[i - 1]!.time).length;
    expect(shared).toBeGreaterThan(100);
    seen.forEach((t, i) => {
      if (i > 0) expect(t.time > seen[i - 1]!.time || (t.time === seen[i - 1]!.time && t.agg_id > seen[i - 1]!.agg_id)).toBe(true);
    });
  });

  it('leaves every count unchanged when the same workflow runs again', async () => {
    const first = await runToEnd('2024-08-03:2024-08-04');
    const counts = async () => {
      const result: Record<string, number> = {};
      for (const step of first.steps.filter((s) => s.target === 'arango-connector'))
        result[`${step.symbol}/${formatDataType(step.type)}`] = await platform.ports.store.count(step.collection_name);
      return result;
    };
    const before = await counts();
    expect(before).toEqual(DAY_COUNTS);
    const again = await runToEnd('2024-08-03:2024-08-04');
    expect(again.status).toBe('succeeded');
    expect(persistedCounts(again)).toEqual(DAY_COUNTS);
    expect(await counts()).toEqual(before);
  });

  it('records the gaps of an exchange maintenance window in the datasets catalog', async () => {
    const gapFrom = Date.UTC(2024, 7, 4, 10);
    const gapTo = Date.UTC(2024, 7, 4, 11, 30);
    const sim = await startExchangeSim({ maintenance: [{ from: gapFrom, to: gapTo }] });
    const withGaps = await startTestPlatform({ BINANCE_REST_URL: sim.url });
    try {
      const { body } = await api(withGaps, '/workflows', { json: { symbols: ['BTCUSDT'], types: ['api_candles_5m'], time_range: '2024-08-04:2024-08-05' } });
      const workflow = await waitForWorkflow(withGaps, body.id, ended);
      expect(workflow.status).toBe('succeeded');
      expect(persistedCounts(workflow)).toEqual({ 'BTCUSDT/api_candles_5m': 288 - 18 });
      expect(await withGaps.ports.store.get('datasets', 'btcusdt_api_candles_5m_2024_08_04')).toMatchObject({ symbol: 'BTCUSDT', gaps: [{ from: gapFrom, to: gapTo }] });
    } finally {
      await withGaps.stop();
      await sim.close();
    }
  });
});
