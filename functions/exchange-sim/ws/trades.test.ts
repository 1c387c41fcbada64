// Live trades are the REST trades: same ids, values and order, none skipped or repeated, each sent as
// its time comes; the trade stream expands each aggregate into its trades; the clock speed scales the rate.
import { describe, expect, it } from 'vitest';
import { scaledClock } from '../clock.ts';
import type { AggTradeRow } from '../test-support.ts';
import { TestClient, sleep, startSim } from './ws-test-support.ts';

const DECIMAL = /^\d+\.\d{8}$/;

async function restTrades(url: string, fromId: number, limit: number): Promise<AggTradeRow[]> {
  const res = await fetch(`${url}/api/v3/aggTrades?symbol=ETHUSDT&fromId=${fromId}&limit=${limit}`);
  expect(res.status).toBe(200);
  return (await res.json()) as AggTradeRow[];
}

/** 8-decimal string as an integer count of 1e-8 units. */
const units = (s: string): bigint => BigInt(s.replace('.', ''));

describe('live aggregate trades', () => {
  it('are the trades REST serves for the same ids, contiguous and in order', async () => {
    const running = await startSim({ speed: 4 });
    try {
      const wallStart = Date.now();
      const simStart = running.sim.config.now();
      const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
      await sleep(2500);
      await client.close();
      const live = client.bodies();
      expect(live.length).toBeGreaterThan(150);
      live.forEach((t, i) => {
        expect(t.e).toBe('aggTrade');
        if (i > 0) expect(t.a).toBe(live[i - 1].a + 1);
      });
      const rest = await restTrades(running.url, live[0].a, live.length);
      expect(live.map(({ e: _e, E: _E, s: _s, ...trade }) => trade)).toEqual(rest);
      // Each went out once the simulator clock had passed its time, and soon after.
      for (const t of live) {
        const simAtSend = simStart + (t.E - wallStart) * 4;
        expect(t.T).toBeLessThanOrEqual(simAtSend + 8);
        expect(t.T).toBeGreaterThan(simAtSend - 4 * 250);
      }
    } finally {
      await running.close();
    }
  });

  it('starts with the first trade after the moment of subscribing', async () => {
    const running = await startSim();
    try {
      const before = running.sim.config.now();
      const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
      const first = (await client.waitFor((b) => b.e === 'aggTrade')).body;
      await client.close();
      const previous = (await restTrades(running.url, first.a - 1, 1))[0]!;
      expect(previous.T).toBeLessThanOrEqual(before + 50);
      expect(first.T).toBeGreaterThan(before - 50);
    } finally {
      await running.close();
    }
  });
});

describe('live trades', () => {
  it('expand each aggregate trade into its trades f..l with its price, time and side', async () => {
    const running = await startSim({ speed: 4 });
    try {
      const client = await TestClient.open(`${running.wsUrl}/stream?streams=ethusdt@trade/ethusdt@aggTrade`);
      await sleep(1500);
      await client.close();
      const aggs = client.bodies((b) => b.stream === 'ethusdt@aggTrade').map((b) => b.data);
      const trades = client.bodies((b) => b.stream === 'ethusdt@trade').map((b) => b.data);
      expect(aggs.length).toBeGreaterThan(50);
      trades.forEach((t, i) => {
        if (i > 0) expect(t.t).toBe(trades[i - 1].t + 1);
        expect(t.q).toMatch(DECIMAL);
        expect(units(t.q)).toBeGreaterThan(0n);
      });
      const byId = new Map(trades.map((t) => [t.t, t]));
      let covered = 0;
      for (const a of aggs) {
        const parts = Array.from({ length: a.l - a.f + 1 }, (_, j) => byId.get(a.f + j));
        if (parts.some((p) => p === undefined)) continue;
        covered++;
        for (const p of parts) expect({ p: p.p, T: p.T, m: p.m, M: p.M, s: p.s, e: p.e }).toEqual({ p: a.p, T: a.T, m: a.m, M: true, s: 'ETHUSDT', e: 'trade' });
        expect(parts.reduce((sum, p) => sum + units(p.q), 0n)).toBe(units(a.q));
      }
      expect(covered).toBeGreaterThanOrEqual(aggs.length - 2);
    } finally {
      await running.close();
    }
  });
});

describe('the clock speed', () => {
  it('runs the simulator clock faster than the one it is given', () => {
    let wall = 1000;
    const clock = scaledClock(() => wall, 36);
    expect(clock()).toBe(1000);
    wall += 100;
    expect(clock()).toBe(1000 + 3600);
    expect(scaledClock(() => wall, 1)()).toBe(wall);
  });

  it('sends 1,000 trades a second for 100,000 an hour at speed 36, each on time', async () => {
    const running = await startSim({ speed: 36 });
    try {
      const wallStart = Date.now();
      const simStart = running.sim.config.now();
      const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
      await sleep(2000);
      const opened = client.frames[0]!.at;
      const counted = client.frames.filter((f) => f.at >= opened + 200 && f.at < opened + 1200);
      await client.close();
      expect(counted.length).toBeGreaterThan(800);
      expect(counted.length).toBeLessThan(1200);
      // E is the wall clock when sent; the trade was due at wallStart + (T - simStart) / 36.
      const late = client.bodies().map((b) => b.E - (wallStart + (b.T - simStart) / 36));
      late.sort((a, b) => a - b);
      expect(late[0]).toBeGreaterThanOrEqual(-2);
      expect(late[Math.floor(late.length / 2)]).toBeLessThan(10);
    } finally {
      await running.close();
    }
  });
});
