// Fault injection, /sim control endpoints, stats and the HTTP server wrapper.
import { describe, expect, it } from 'vitest';
import { startExchangeSim } from './serve.ts';
import { DAY, getJson, makeSim } from './test-support.ts';

const AGG = `/api/v3/aggTrades?symbol=BTCUSDT&startTime=${DAY}&limit=2`;
const KLINES = '/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=2';

describe('fault injection', () => {
  it('applies status faults to the given path for count requests', async () => {
    const sim = makeSim();
    sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 500, count: 2 });
    const first = await getJson<{ code: number }>(sim, AGG);
    expect(first.status).toBe(500);
    expect(first.body.code).toBe(-1000);
    expect((await getJson(sim, KLINES)).status).toBe(200);
    expect((await getJson(sim, AGG)).status).toBe(500);
    const ok = await getJson<unknown[]>(sim, AGG);
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(2);
  });

  it('supports afterRequests, malformed bodies and throttling', async () => {
    const sim = makeSim();
    sim.faults.inject({ path: '/api/v3/klines', kind: 'malformed', afterRequests: 1, count: 1 });
    sim.faults.inject({ path: '/api/v3/klines', kind: 'status', status: 429, retryAfterSeconds: 3, count: 1 });
    const before = await getJson(sim, KLINES);
    expect(before.status).toBe(429);
    expect(before.headers.get('Retry-After')).toBe('3');
    const malformed = await sim.app.request(KLINES);
    expect(malformed.status).toBe(200);
    const text = await malformed.text();
    expect(() => JSON.parse(text)).toThrow();
    expect((await getJson(sim, KLINES)).status).toBe(200);
    expect(sim.faults.pending()).toEqual([]);
  });

  it('delays requests', async () => {
    const sim = makeSim();
    sim.faults.inject({ kind: 'delay', ms: 80, count: 1 });
    const started = performance.now();
    const r = await getJson(sim, '/api/v3/ping');
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('is controllable over HTTP', async () => {
    const sim = makeSim();
    const post = (body: unknown) =>
      getJson<{ field?: string; pending?: unknown[] }>(sim, '/sim/faults', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const bad = await post({ kind: 'status', status: 99, path: '/api/v3/klines' });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('status');
    expect((await post({ status: 500 })).body.field).toBe('kind');
    expect((await post({ kind: 'delay', ms: -1 })).body.field).toBe('ms');
    const ok = await post({ kind: 'status', status: 503, path: '/api/v3/klines', count: 3 });
    expect(ok.status).toBe(201);
    expect(ok.body.pending).toHaveLength(1);
    const unavailable = await getJson<{ code: number }>(sim, KLINES);
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.code).toBe(-1008);
    expect((await getJson(sim, '/sim/faults', { method: 'DELETE' })).status).toBe(200);
    expect((await getJson(sim, KLINES)).status).toBe(200);
  });

  it('counts requests, weight and trades served', async () => {
    const sim = makeSim();
    sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 500 });
    await getJson(sim, AGG);
    await getJson(sim, AGG);
    await getJson(sim, AGG);
    await getJson(sim, KLINES);
    const stats = await getJson<{ requests: Record<string, number>; totalWeight: number; tradesServed: Record<string, number>; responses: Record<string, number> }>(
      sim,
      '/sim/stats',
    );
    expect(stats.body.requests).toEqual({ '/api/v3/aggTrades': 3, '/api/v3/klines': 1 });
    expect(stats.body.totalWeight).toBe(2 * 4 + 2);
    expect(stats.body.tradesServed).toEqual({ BTCUSDT: 4 });
    expect(stats.body.responses).toEqual({ '200': 3, '500': 1 });
  });
});

describe('startExchangeSim', () => {
  it('listens on a free port and closes', async () => {
    const running = await startExchangeSim({ port: 0, symbols: ['ETHUSDT'], now: () => DAY });
    try {
      expect(running.port).toBeGreaterThan(0);
      expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
      const ping = await fetch(`${running.url}/api/v3/ping`);
      expect(ping.status).toBe(200);
      expect(await ping.json()).toEqual({});
      expect(ping.headers.get('x-mbx-used-weight-1m')).toBe('1');
      const rows = (await (await fetch(`${running.url}/api/v3/klines?symbol=ETHUSDT&interval=1m&limit=3`)).json()) as unknown[][];
      expect(rows.map((r) => r[0])).toEqual([DAY - 120_000, DAY - 60_000, DAY]);
      expect(running.sim.config.symbols).toHaveLength(1);
    } finally {
      await running.close();
    }
    await expect(fetch(`${running.url}/api/v3/ping`)).rejects.toThrow();
  });
});
