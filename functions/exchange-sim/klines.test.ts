// Klines endpoint: layout, Binance paging semantics and exact consistency with aggTrades.
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, NOW, getJson, klines, makeSim, units, walkTrades } from './test-support.ts';

const M5 = 300_000;
const DECIMAL = /^\d+\.\d{8}$/;

describe('klines', () => {
  const sim = makeSim();

  it('is deterministic per seed', async () => {
    const q = `/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=${DAY}&limit=50`;
    const a = await getJson(sim, q);
    const b = await getJson(makeSim(), q);
    const c = await getJson(makeSim({ seed: 7 }), q);
    expect(a.status).toBe(200);
    expect(b.text).toBe(a.text);
    expect(c.text).not.toBe(a.text);
    const t = `/api/v3/aggTrades?symbol=ETHUSDT&startTime=${DAY}&limit=200`;
    expect((await getJson(makeSim(), t)).text).toBe((await getJson(sim, t)).text);
    expect((await getJson(makeSim({ seed: 7 }), t)).text).not.toBe((await getJson(sim, t)).text);
  });

  it('returns 12-field rows with 8-decimal strings and close time', async () => {
    const rows = await klines(sim, `symbol=BTCUSDT&interval=1h&startTime=${DAY}&limit=3`);
    expect(rows).toHaveLength(3);
    rows.forEach((k, i) => {
      expect(k).toHaveLength(12);
      expect(k[0]).toBe(DAY + i * HOUR);
      expect(k[6]).toBe(DAY + (i + 1) * HOUR - 1);
      for (const idx of [1, 2, 3, 4, 5, 7, 9, 10] as const) expect(k[idx]).toMatch(DECIMAL);
      expect(k[8]).toBe(2 * 1200);
      expect(k[11]).toBe('0');
      const [open, high, low, close] = [k[1], k[2], k[3], k[4]].map(Number) as [number, number, number, number];
      expect(high).toBeGreaterThanOrEqual(Math.max(open, close));
      expect(low).toBeLessThanOrEqual(Math.min(open, close));
      expect(open).toBeGreaterThan(10_000);
      expect(open).toBeLessThan(300_000);
      expect(units(k[9])).toBeLessThanOrEqual(units(k[5]));
    });
  });

  it('returns 288 contiguous 5m candles for a day', async () => {
    const rows = await klines(sim, `symbol=BTCUSDT&interval=5m&startTime=${DAY}&endTime=${DAY + 86_400_000 - 1}&limit=1000`);
    expect(rows).toHaveLength(288);
    rows.forEach((k, i) => {
      expect(k[0]).toBe(DAY + i * M5);
      expect(k[6]).toBe(k[0] + M5 - 1);
    });
  });

  it('applies limit, startTime and endTime like Binance', async () => {
    expect(await klines(sim, 'symbol=BTCUSDT&interval=1m')).toHaveLength(500);
    const latest = await klines(sim, 'symbol=BTCUSDT&interval=1m&limit=1000');
    expect(latest).toHaveLength(1000);
    expect(latest.at(-1)![0]).toBe(NOW);
    const tooMany = await getJson<{ code: number }>(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1001');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe(-1130);

    const end = DAY + 7 * M5 + 1234;
    const onlyEnd = await klines(sim, `symbol=BTCUSDT&interval=5m&endTime=${end}&limit=4`);
    expect(onlyEnd.map((k) => k[0])).toEqual([4, 5, 6, 7].map((i) => DAY + i * M5));

    const midStart = await klines(sim, `symbol=BTCUSDT&interval=5m&startTime=${DAY + 1}&limit=2`);
    expect(midStart.map((k) => k[0])).toEqual([DAY + M5, DAY + 2 * M5]);

    const both = await klines(sim, `symbol=BTCUSDT&interval=5m&startTime=${DAY}&endTime=${DAY + 3 * M5}`);
    expect(both.map((k) => k[0])).toEqual([0, 1, 2, 3].map((i) => DAY + i * M5));

    expect(await klines(sim, `symbol=BTCUSDT&interval=1m&startTime=${NOW + 60_000}`)).toEqual([]);
  });

  it('never returns candles before listing', async () => {
    const listed = Date.parse('2017-08-17T04:00:00Z');
    expect(await klines(sim, `symbol=BTCUSDT&interval=1h&endTime=${listed - 1}`)).toEqual([]);
    const first = await klines(sim, `symbol=BTCUSDT&interval=1h&startTime=0&limit=2`);
    expect(first.map((k) => k[0])).toEqual([listed, listed + HOUR]);
    const day = await klines(sim, `symbol=BTCUSDT&interval=1d&startTime=0&limit=1`);
    expect(day[0]![0]).toBe(Date.parse('2017-08-17T00:00:00Z'));
    expect(day[0]![8]).toBe(20 * 2400);
  });

  it('aggregates 5m candles exactly from their aggTrades', async () => {
    const [candles, trades] = await Promise.all([klines(sim, `symbol=BTCUSDT&interval=5m&startTime=${DAY}&limit=288`), walkTrades(sim, 'BTCUSDT', DAY, DAY + 86_400_000)]);
    expect(trades).toHaveLength(24 * 1200);
    const broken = trades.filter((t, i) => {
      const prev = trades[i - 1];
      return prev !== undefined && (t.a !== prev.a + 1 || t.f !== prev.l + 1 || t.T < prev.T);
    });
    expect(broken).toEqual([]);
    expect(trades.some((t, i) => i > 0 && t.T === trades[i - 1]!.T)).toBe(true);
    const hourIndex = (DAY - Date.parse('2017-08-17T04:00:00Z')) / HOUR;
    expect(trades[0]!.a).toBe(hourIndex * 1200);
    expect(trades[0]!.f).toBe(hourIndex * 2400);

    let cursor = 0;
    for (const k of candles) {
      const begin = cursor;
      while (cursor < trades.length && trades[cursor]!.T <= k[6]) cursor++;
      const inside = trades.slice(begin, cursor);
      expect(inside.every((t) => t.T >= k[0])).toBe(true);
      expect(inside.length).toBeGreaterThan(0);
      const vol = inside.reduce((s, t) => s + units(t.q), 0n);
      const quote = inside.reduce((s, t) => s + units(t.p) * units(t.q), 0n) / 100_000_000n;
      const taker = inside.filter((t) => !t.m).reduce((s, t) => s + units(t.q), 0n);
      const prices = inside.map((t) => units(t.p));
      expect(units(k[5])).toBe(vol);
      expect(units(k[7])).toBe(quote);
      expect(units(k[9])).toBe(taker);
      expect(units(k[1])).toBe(prices[0]);
      expect(units(k[4])).toBe(prices.at(-1));
      expect(units(k[2])).toBe(prices.reduce((a, b) => (b > a ? b : a)));
      expect(units(k[3])).toBe(prices.reduce((a, b) => (b < a ? b : a)));
      expect(k[8]).toBe(inside.reduce((s, t) => s + t.l - t.f + 1, 0));
    }
    expect(cursor).toBe(trades.length);
  });

  it('builds 1s candles, flat at the previous close when empty', async () => {
    const rows = await klines(sim, `symbol=BTCUSDT&interval=1s&startTime=${DAY}&limit=1000`);
    expect(rows).toHaveLength(1000);
    const empty = rows.filter((k) => k[8] === 0);
    expect(empty.length).toBeGreaterThan(0);
    for (let i = 1; i < rows.length; i++) {
      const k = rows[i]!;
      if (k[8] !== 0) continue;
      expect([k[1], k[2], k[3]]).toEqual([k[4], k[4], k[4]]);
      expect(k[4]).toBe(rows[i - 1]![4]);
      expect(k[5]).toBe('0.00000000');
    }
  });

  it('keeps 1M and 1w candles consistent with 1d and 1h', async () => {
    const feb = Date.parse('2024-02-01T00:00:00Z');
    const [month] = await klines(sim, `symbol=ETHUSDT&interval=1M&startTime=${feb}&limit=1`);
    const days = await klines(sim, `symbol=ETHUSDT&interval=1d&startTime=${feb}&endTime=${Date.parse('2024-02-29T00:00:00Z')}`);
    expect(days).toHaveLength(29);
    expect(month![0]).toBe(feb);
    expect(month![6]).toBe(Date.parse('2024-03-01T00:00:00Z') - 1);
    expect(month![8]).toBe(29 * 24 * 900 * 2);
    expect(units(month![5])).toBe(days.reduce((s, d) => s + units(d[5]), 0n));
    expect(units(month![9])).toBe(days.reduce((s, d) => s + units(d[9]), 0n));
    expect(month![1]).toBe(days[0]![1]);
    expect(month![4]).toBe(days.at(-1)![4]);
    expect(units(month![2])).toBe(days.map((d) => units(d[2])).reduce((a, b) => (b > a ? b : a)));
    expect(units(month![3])).toBe(days.map((d) => units(d[3])).reduce((a, b) => (b < a ? b : a)));

    const [week] = await klines(sim, `symbol=ETHUSDT&interval=1w&startTime=${DAY}&limit=1`);
    expect(week![0]).toBe(Date.parse('2024-08-05T00:00:00Z'));
    const [weekOfDay] = await klines(sim, `symbol=ETHUSDT&interval=1w&endTime=${DAY}&limit=1`);
    expect(weekOfDay![0]).toBe(Date.parse('2024-07-29T00:00:00Z'));
    const hours = await klines(sim, `symbol=ETHUSDT&interval=1h&startTime=${weekOfDay![0]}&limit=168`);
    expect(units(weekOfDay![5])).toBe(hours.reduce((s, h) => s + units(h[5]), 0n));
    expect(weekOfDay![8]).toBe(hours.reduce((s, h) => s + h[8], 0));
  });

  it('serves 24 monthly candles', async () => {
    const rows = await klines(makeSim({ symbols: ['BTCUSDT'] }), `symbol=BTCUSDT&interval=1M&startTime=${Date.parse('2022-09-01T00:00:00Z')}&limit=24`);
    expect(rows).toHaveLength(24);
    expect(new Date(rows.at(-1)![0]).toISOString()).toBe('2024-08-01T00:00:00.000Z');
    for (const k of rows) {
      const hours = (k[6] + 1 - k[0]) / HOUR;
      expect(k[8]).toBe(hours * 2400);
      expect(new Date(k[0]).getUTCDate()).toBe(1);
    }
  });
});
