// aggTrades endpoint, request errors and maintenance windows.
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, NOW, aggTrades, getJson, klines, makeSim, walkTrades } from './test-support.ts';

describe('aggTrades', () => {
  const sim = makeSim();

  it('returns Binance-shaped objects', async () => {
    const [t] = await aggTrades(sim, `symbol=BTCUSDT&startTime=${DAY}&limit=1`);
    expect(Object.keys(t!).sort()).toEqual(['M', 'T', 'a', 'f', 'l', 'm', 'p', 'q']);
    expect(t!.M).toBe(true);
    expect(t!.p).toMatch(/^\d+\.\d{8}$/);
    expect(Number(t!.q)).toBeGreaterThan(0);
    expect(t!.l - t!.f).toBeGreaterThanOrEqual(0);
    expect(t!.l - t!.f).toBeLessThanOrEqual(2);
  });

  it('pages from startTime and fromId', async () => {
    const first = await aggTrades(sim, `symbol=ETHUSDT&startTime=${DAY + 1000}&limit=5`);
    expect(first).toHaveLength(5);
    expect(first[0]!.T).toBeGreaterThanOrEqual(DAY + 1000);
    const [before] = await aggTrades(sim, `symbol=ETHUSDT&fromId=${first[0]!.a - 1}&limit=1`);
    expect(before!.T).toBeLessThan(DAY + 1000);
    const fromId = await aggTrades(sim, `symbol=ETHUSDT&fromId=${first[2]!.a}&limit=3`);
    expect(fromId).toEqual(first.slice(2));
    const bounded = await aggTrades(sim, `symbol=ETHUSDT&fromId=${first[0]!.a}&endTime=${first[1]!.T}&limit=1000`);
    expect(bounded.at(-1)!.T).toBe(first[1]!.T);
    expect(bounded.every((t) => t.T <= first[1]!.T)).toBe(true);
  });

  it('honours endTime, inclusive bounds and the default of most recent trades', async () => {
    const recent = await aggTrades(sim, 'symbol=BTCUSDT');
    expect(recent).toHaveLength(500);
    expect(recent.at(-1)!.T).toBeLessThanOrEqual(NOW);
    expect(recent.at(-1)!.T).toBeGreaterThan(NOW - HOUR);
    const [next] = await aggTrades(sim, `symbol=BTCUSDT&fromId=${recent.at(-1)!.a + 1}&limit=1`);
    expect(next === undefined || next.T > NOW).toBe(true);

    const onlyEnd = await aggTrades(sim, `symbol=BTCUSDT&endTime=${DAY}&limit=10`);
    expect(onlyEnd).toHaveLength(10);
    expect(onlyEnd.at(-1)!.T).toBeLessThanOrEqual(DAY);
    const [after] = await aggTrades(sim, `symbol=BTCUSDT&fromId=${onlyEnd.at(-1)!.a + 1}&limit=1`);
    expect(after!.T).toBeGreaterThan(DAY);

    const t0 = onlyEnd[3]!.T;
    const exact = await aggTrades(sim, `symbol=BTCUSDT&startTime=${t0}&endTime=${t0}`);
    expect(exact.length).toBeGreaterThan(0);
    expect(exact.every((t) => t.T === t0)).toBe(true);
    expect(await aggTrades(sim, `symbol=BTCUSDT&startTime=${DAY}&endTime=${DAY + HOUR}&limit=1`)).toHaveLength(1);
  });

  it('rejects windows longer than one hour', async () => {
    const r = await getJson<{ code: number; msg: string }>(sim, `/api/v3/aggTrades?symbol=BTCUSDT&startTime=${DAY}&endTime=${DAY + HOUR + 1}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ code: -1127, msg: 'More than 1 hours between startTime and endTime.' });
  });

  it('walks a day of BTCUSDT quickly', async () => {
    const fresh = makeSim();
    const cpu = process.cpuUsage();
    const trades = await walkTrades(fresh, 'BTCUSDT', DAY, DAY + 86_400_000);
    const used = process.cpuUsage(cpu);
    expect(trades).toHaveLength(28_800);
    expect((used.user + used.system) / 1000).toBeLessThan(1500);
  });
});

describe('request errors', () => {
  const sim = makeSim();
  const err = async (path: string) => getJson<{ code: number; msg: string }>(sim, path);

  it('reports Binance error codes', async () => {
    expect((await err('/api/v3/klines?symbol=FOOUSDT&interval=1m')).body).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    const missing = await err('/api/v3/klines?interval=1m');
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." });
    expect((await err('/api/v3/klines?symbol=BTCUSDT')).body.code).toBe(-1102);
    expect((await err('/api/v3/klines?symbol=BTCUSDT&interval=2d')).body).toEqual({ code: -1120, msg: 'Invalid interval.' });
    expect((await err('/api/v3/aggTrades?symbol=BTCUSDT&fromId=abc')).body.code).toBe(-1100);
    expect((await err(`/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${DAY}&endTime=${DAY - 1}`)).body.code).toBe(-1023);
    expect((await err('/api/v3/aggTrades?symbol=ETHBTC')).status).toBe(400);
    expect((await err('/api/v3/nope')).status).toBe(404);
    expect((await err('/nope')).status).toBe(404);
  });
});

describe('maintenance', () => {
  const from = DAY + 2 * HOUR;
  const to = DAY + 4 * HOUR;
  const sim = makeSim({
    maintenance: [
      { symbol: 'BTCUSDT', from, to },
      { from: DAY + 6 * HOUR + 1_800_000, to: DAY + 7 * HOUR + 600_000 },
    ],
  });

  it('omits klines fully inside the window', async () => {
    const m5 = await klines(sim, `symbol=BTCUSDT&interval=5m&startTime=${DAY}&limit=1000&endTime=${DAY + 86_399_999}`);
    expect(m5).toHaveLength(288 - 24 - 8);
    expect(m5.some((k) => k[0] >= from && k[0] < to)).toBe(false);
    const h1 = await klines(sim, `symbol=BTCUSDT&interval=1h&startTime=${DAY}&endTime=${DAY + 86_399_999}`);
    expect(h1.map((k) => k[0])).not.toContain(from);
    expect(h1).toHaveLength(22);
    expect(h1.find((k) => k[0] === DAY + 6 * HOUR)![8]).toBe(2400);
    const back = await klines(sim, `symbol=BTCUSDT&interval=1h&endTime=${to}&limit=3`);
    expect(back.map((k) => k[0])).toEqual([DAY, DAY + HOUR, to]);
    const [day] = await klines(sim, `symbol=BTCUSDT&interval=1d&startTime=${DAY}&limit=1`);
    expect(day![8]).toBe(22 * 2400);
    expect(await klines(sim, `symbol=ETHUSDT&interval=5m&startTime=${DAY}&endTime=${DAY + 86_399_999}&limit=1000`)).toHaveLength(288 - 8);
  });

  it('has no trades inside the window and keeps ids contiguous', async () => {
    const trades = await walkTrades(sim, 'BTCUSDT', DAY, DAY + 12 * HOUR);
    expect(trades.some((t) => t.T >= from && t.T < to)).toBe(false);
    expect(trades.some((t) => t.T >= DAY + 6 * HOUR + 1_800_000 && t.T < DAY + 7 * HOUR + 600_000)).toBe(false);
    expect(trades).toHaveLength(10 * 1200);
    expect(trades.filter((t, i) => i > 0 && t.a !== trades[i - 1]!.a + 1)).toEqual([]);
    expect(trades.filter((t, i) => i > 0 && t.f !== trades[i - 1]!.l + 1)).toEqual([]);
    const [afterStart] = await aggTrades(sim, `symbol=BTCUSDT&startTime=${from}&limit=1`);
    expect(afterStart!.T).toBeGreaterThanOrEqual(to);
  });
});
