// Request-weight accounting, 429/418 behaviour and exchangeInfo.
import { describe, expect, it } from 'vitest';
import { simOptionsSchema } from './options.ts';
import { NOW, getJson, makeSim } from './test-support.ts';

interface RateLimit {
  rateLimitType: string;
  interval: string;
  intervalNum: number;
  limit: number;
}

describe('request weight', () => {
  it('reports used weight per endpoint', async () => {
    const sim = makeSim();
    const used = async (path: string) => (await getJson(sim, path)).headers.get('X-MBX-USED-WEIGHT-1M');
    expect(await used('/api/v3/ping')).toBe('1');
    expect(await used('/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1')).toBe('3');
    expect(await used('/api/v3/aggTrades?symbol=BTCUSDT&limit=1')).toBe('7');
    expect(await used('/api/v3/exchangeInfo')).toBe('27');
    expect(await used('/api/v3/klines?symbol=NOPE&interval=1m')).toBe('29');
    const other = await getJson(sim, '/api/v3/time', { headers: { 'x-forwarded-for': '10.0.0.9' } });
    expect(other.headers.get('X-MBX-USED-WEIGHT-1M')).toBe('1');
    expect(other.body).toEqual({ serverTime: NOW });
  });

  it('resets at window boundaries aligned to the epoch', async () => {
    const clock = { now: NOW + 59_000 };
    const sim = makeSim({}, clock);
    await getJson(sim, '/api/v3/exchangeInfo');
    expect((await getJson(sim, '/api/v3/ping')).headers.get('X-MBX-USED-WEIGHT-1M')).toBe('21');
    clock.now = NOW + 60_000;
    expect((await getJson(sim, '/api/v3/ping')).headers.get('X-MBX-USED-WEIGHT-1M')).toBe('1');
  });

  it('answers 429 over the limit and 418 for clients that keep going', async () => {
    const clock = { now: NOW + 15_500 };
    const sim = makeSim({ weightLimit: 10, banAfter429s: 2, banDurationMs: 120_000 }, clock);
    const kl = () => getJson<{ code: number; msg: string }>(sim, '/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1');
    for (let i = 0; i < 5; i++) expect((await kl()).status).toBe(200);
    const limited = await kl();
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe(-1003);
    expect(limited.headers.get('Retry-After')).toBe('45');
    expect(limited.headers.get('X-MBX-USED-WEIGHT-1M')).toBe('12');
    expect((await kl()).status).toBe(429);
    expect((await kl()).status).toBe(429);
    const banned = await kl();
    expect(banned.status).toBe(418);
    expect(banned.body.code).toBe(-1003);
    expect(banned.headers.get('Retry-After')).toBe('120');
    clock.now += 61_000;
    const still = await kl();
    expect(still.status).toBe(418);
    expect(still.headers.get('Retry-After')).toBe('59');
    clock.now += 60_000;
    expect((await kl()).status).toBe(200);
  });

  it('stops at 429 for clients that back off', async () => {
    const clock = { now: NOW };
    const sim = makeSim({ weightLimit: 2, banAfter429s: 1 }, clock);
    expect((await getJson(sim, '/api/v3/ping')).status).toBe(200);
    expect((await getJson(sim, '/api/v3/ping')).status).toBe(200);
    expect((await getJson(sim, '/api/v3/ping')).status).toBe(429);
    expect((await getJson(sim, '/api/v3/ping')).status).toBe(429);
    clock.now += 60_000;
    expect((await getJson(sim, '/api/v3/ping')).status).toBe(200);
  });

  it('names the header and exchangeInfo interval after the window', async () => {
    for (const [windowMs, header, interval, intervalNum] of [
      [1000, 'X-MBX-USED-WEIGHT-1S', 'SECOND', 1],
      [10_000, 'X-MBX-USED-WEIGHT-10S', 'SECOND', 10],
      [60_000, 'X-MBX-USED-WEIGHT-1M', 'MINUTE', 1],
      [3_600_000, 'X-MBX-USED-WEIGHT-1H', 'HOUR', 1],
    ] as const) {
      const sim = makeSim({ weightWindowMs: windowMs, weightLimit: 1234 });
      const r = await getJson<{ rateLimits: RateLimit[] }>(sim, '/api/v3/exchangeInfo');
      expect(r.headers.get(header)).toBe('20');
      expect(r.body.rateLimits[0]).toEqual({ rateLimitType: 'REQUEST_WEIGHT', interval, intervalNum, limit: 1234 });
    }
    expect(() => simOptionsSchema.parse({ weightWindowMs: 1500 })).toThrow();
  });
});

describe('exchangeInfo', () => {
  const sim = makeSim();

  it('lists the default symbols with filters', async () => {
    const r = await getJson<{ timezone: string; serverTime: number; exchangeFilters: unknown[]; symbols: Array<Record<string, unknown>> }>(sim, '/api/v3/exchangeInfo');
    expect(r.body.timezone).toBe('UTC');
    expect(r.body.serverTime).toBe(NOW);
    expect(r.body.exchangeFilters).toEqual([]);
    expect(r.body.symbols.map((s) => s.symbol)).toEqual(['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT', 'ADAUSDT', 'DOGEUSDT', 'LTCUSDT']);
    const btc = r.body.symbols[0]!;
    expect(btc).toMatchObject({ status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', baseAssetPrecision: 8, isSpotTradingAllowed: true, permissionSets: [['SPOT', 'MARGIN']] });
    expect(btc.filters).toContainEqual({ filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' });
    expect(btc.filters).toContainEqual(expect.objectContaining({ filterType: 'LOT_SIZE', minQty: '0.00001000', stepSize: '0.00001000' }));
  });

  it('filters by symbol and symbols', async () => {
    const one = await getJson<{ symbols: Array<{ symbol: string }> }>(sim, '/api/v3/exchangeInfo?symbol=ETHUSDT');
    expect(one.body.symbols.map((s) => s.symbol)).toEqual(['ETHUSDT']);
    const many = await getJson<{ symbols: Array<{ symbol: string }> }>(sim, `/api/v3/exchangeInfo?symbols=${encodeURIComponent('["SOLUSDT","BTCUSDT"]')}`);
    expect(many.body.symbols.map((s) => s.symbol)).toEqual(['SOLUSDT', 'BTCUSDT']);
    const bad = await getJson<{ code: number }>(sim, '/api/v3/exchangeInfo?symbol=NOPE');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe(-1121);
  });

  it('accepts custom symbols', async () => {
    const custom = makeSim({
      symbols: [
        'BTCUSDT',
        {
          symbol: 'FOOUSDT',
          baseAsset: 'FOO',
          quoteAsset: 'USDT',
          tickSize: '0.001',
          stepSize: '0.1',
          startPrice: 2.5,
          listedAt: Date.parse('2024-07-31T10:30:00Z'),
          tradesPerHour: 60,
        },
      ],
    });
    const [first] = (await getJson<Array<[number]>>(custom, '/api/v3/klines?symbol=FOOUSDT&interval=1h&startTime=0&limit=1')).body;
    expect(first![0]).toBe(Date.parse('2024-07-31T11:00:00Z'));
    expect((await getJson(custom, '/api/v3/klines?symbol=ETHUSDT&interval=1h')).status).toBe(400);
  });
});
