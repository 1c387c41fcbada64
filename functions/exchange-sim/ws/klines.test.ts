// Live candles: at most one update a second while trades arrive, and a closing update (x: true) equal to
// the candle GET /api/v3/klines returns, with the first and last trade ids of the trades it holds.
import { describe, expect, it } from 'vitest';
import { klineRow } from '../rows.ts';
import type { AggTradeRow, Kline } from '../test-support.ts';
import { TestClient, sleep, startSim } from './ws-test-support.ts';

async function get<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** A kline stream payload's k as the REST row. */
// biome-ignore lint/suspicious/noExplicitAny: a payload straight off the wire.
const asRow = (k: any): Kline => [k.t, k.o, k.h, k.l, k.c, k.v, k.T, k.q, k.n, k.V, k.Q, k.B];

describe('live klines', () => {
  it('close with the values REST returns for the closed candle', async () => {
    const running = await startSim({ speed: 60 });
    try {
      const client = await TestClient.open(`${running.wsUrl}/stream?streams=ethusdt@kline_1s/ethusdt@kline_1m`);
      await sleep(2600);
      await client.close();
      for (const interval of ['1s', '1m']) {
        const closed = client.bodies((b) => b.stream === `ethusdt@kline_${interval}` && b.data.k.x).map((b) => b.data.k);
        expect(closed.length, interval).toBeGreaterThanOrEqual(interval === '1s' ? 120 : 1);
        const step = interval === '1s' ? 1000 : 60_000;
        closed.forEach((k, i) => {
          expect(k.i).toBe(interval);
          expect(k.s).toBe('ETHUSDT');
          expect(k.T).toBe(k.t + step - 1);
          if (i > 0) expect(k.t).toBe(closed[i - 1].t + step);
        });
        const rest = await get<Kline[]>(`${running.url}/api/v3/klines?symbol=ETHUSDT&interval=${interval}&startTime=${closed[0].t}&limit=${closed.length}`);
        expect(closed.map(asRow)).toEqual(rest);
        for (const k of closed.slice(-3)) {
          const aggs = `${running.url}/api/v3/aggTrades?symbol=ETHUSDT&limit=1`;
          const first = (await get<AggTradeRow[]>(`${aggs}&startTime=${k.t}&endTime=${k.T}`))[0];
          const last = (await get<AggTradeRow[]>(`${aggs}&endTime=${k.T}`))[0]!;
          if (first === undefined) expect([k.f, k.L, k.n]).toEqual([-1, -1, 0]);
          else expect([k.f, k.L]).toEqual([first.f, last.l]);
        }
      }
    } finally {
      await running.close();
    }
  });

  it('updates the open candle at most once a second while trades arrive', async () => {
    const running = await startSim({ speed: 2 });
    try {
      const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@kline_1h`);
      await sleep(3300);
      await client.close();
      const updates = client.frames.filter((f) => f.body.e === 'kline');
      expect(updates.length).toBeGreaterThanOrEqual(3);
      expect(updates.length).toBeLessThanOrEqual(4);
      updates.forEach((f, i) => {
        const k = f.body.k;
        expect(k.x).toBe(false);
        expect(k.t).toBe(updates[0]!.body.k.t);
        if (i === 0) return;
        const prev = updates[i - 1]!.body.k;
        expect(f.at - updates[i - 1]!.at).toBeGreaterThanOrEqual(900);
        expect(k.n).toBeGreaterThan(prev.n);
        expect(k.L).toBeGreaterThan(prev.L);
        expect(k.f).toBe(prev.f);
        expect(k.o).toBe(prev.o);
        expect(Number(k.h)).toBeGreaterThanOrEqual(Number(prev.h));
        expect(Number(k.l)).toBeLessThanOrEqual(Number(prev.l));
      });
      // The last update is the REST candle as of its last trade.
      const last = updates.at(-1)!.body.k;
      const m = running.sim.market.symbol('ETHUSDT')!;
      const upTo = m.aggTrades({ startTime: last.t, limit: 100_000 }, running.sim.config.now()).find((t) => t.l === last.L)!;
      const [rest] = m.klines({ interval: '1h', startTime: last.t, limit: 1 }, upTo.T).map((c) => klineRow(m.config, c));
      expect(asRow(last)).toEqual(rest);
    } finally {
      await running.close();
    }
  });
});
