// Scenario 1 up to persistence, end to end on embedded adapters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../shared/platform/local.ts';
import { api, ended, startTestPlatform, waitForWorkflow } from '../helpers.ts';

const DAY = Date.UTC(2024, 7, 1);
const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };

describe('two symbols, one day, candles and trades', () => {
  let platform: LocalPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.stop());

  async function runToEnd() {
    const started = await api(platform, '/workflows', { json: request });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ id: expect.stringMatching(/^wf-/), status: 'running' });
    return waitForWorkflow(platform, started.body.id, ended);
  }

  async function storedTrades(symbol: string) {
    const store = platform.ports.store;
    const collection = `${symbol.toLowerCase()}_api_trades_2024_08_01`;
    return store.query<{ _key: string; agg_id: number }>(collection, { field: 'agg_id' });
  }

  async function counts() {
    const result: Record<string, { candles: number; trades: number }> = {};
    for (const symbol of request.symbols) {
      const candles = await api(platform, `/candles?symbol=${symbol}&interval=5m&from=${DAY}&to=2024-08-02T00:00:00Z&limit=10000`);
      const trades = await api(platform, `/trades?symbol=${symbol}&from=${DAY}&to=${DAY + 86_400_000}&limit=10000`);
      expect(trades.body.count).toBe(10_000); // the API pages at its limit
      result[symbol] = { candles: candles.body.count, trades: (await storedTrades(symbol)).length };
    }
    return result;
  }

  it('succeeds with 288 contiguous candles per symbol, indicators on each, and every trade the exchange served', async () => {
    const workflow = await runToEnd();
    expect(workflow.status, JSON.stringify(workflow.steps.map((s) => s.message))).toBe('succeeded');
    expect(workflow.steps).toHaveLength(8);
    for (const symbol of request.symbols) {
      const { body } = await api(platform, `/candles?symbol=${symbol}&interval=5m&from=${DAY}&to=${DAY + 86_400_000}&limit=10000`);
      expect(body.count).toBe(288);
      const opens: number[] = body.candles.map((c: { open_time: number }) => c.open_time);
      expect(opens[0]).toBe(DAY);
      opens.forEach((open, i) => expect(open).toBe(DAY + i * 300_000));
      for (const candle of body.candles) {
        expect(candle.rsi_14).toBeGreaterThanOrEqual(0);
        expect(candle.rsi_14).toBeLessThanOrEqual(100);
        expect(candle.vwap).toBeGreaterThanOrEqual(candle.low * 0.9);
        expect(candle.volatility_30).toBeGreaterThan(0);
      }
      const persisted = workflow.steps.find((s) => s.symbol === symbol && s.type === 'api_candles_5m' && s.target === 'arango-connector')!;
      expect(persisted.records_written).toBe(288);
    }
    // Every trade the exchange has in the range is stored exactly once: ids contiguous from the day's first.
    for (const symbol of request.symbols) {
      const perHour = platform.sim!.sim.config.symbols.find((s) => s.symbol === symbol)!.tradesPerHour;
      const step = workflow.steps.find((s) => s.symbol === symbol && s.type === 'api_trades' && s.target === 'arango-connector')!;
      const ids = (await storedTrades(symbol)).map((t) => t.agg_id);
      expect(ids).toHaveLength(24 * perHour);
      expect(step.records_written).toBe(24 * perHour);
      ids.forEach((id, i) => i > 0 && expect(id).toBe(ids[i - 1]! + 1));
      const first = await fetch(`${platform.restUrl}/api/v3/aggTrades?symbol=${symbol}&startTime=${DAY}&endTime=${DAY + 3_599_999}&limit=1`);
      expect(ids[0]).toBe(((await first.json()) as { a: number }[])[0]!.a);
    }
  });

  it('leaves every count unchanged when the same workflow runs again', async () => {
    const before = await counts();
    const again = await runToEnd();
    expect(again.status).toBe('succeeded');
    expect(await counts()).toEqual(before);
    expect(before.BTCUSDT!.candles).toBe(288);
  });
});
