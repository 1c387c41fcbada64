// Order books: GET /api/v3/depth and its weights, and diff streams that let a client following Binance's
// documented procedure (buffer diffs, fetch a snapshot, drop u <= lastUpdateId, then apply diffs with
// contiguous ids) reproduce the simulator's true book exactly.
import { describe, expect, it } from 'vitest';
import type { BookView } from './books.ts';
import { LocalOrderBook } from '../../loader-ws/order-book.ts';
import { TestClient, numericBook, sleep, startSim } from './ws-test-support.ts';

async function depth(url: string, query: string): Promise<{ status: number; weight: string | null; body: BookView }> {
  const res = await fetch(`${url}/api/v3/depth?${query}`);
  return { status: res.status, weight: res.headers.get('x-mbx-used-weight-1m'), body: (await res.json()) as BookView };
}

describe('GET /api/v3/depth', () => {
  it('answers the best levels of the current book, weighted by limit', async () => {
    const running = await startSim();
    try {
      const five = await depth(running.url, 'symbol=ETHUSDT&limit=5');
      expect(five.status).toBe(200);
      expect(five.weight).toBe('5');
      expect(Object.keys(five.body)).toEqual(['lastUpdateId', 'bids', 'asks']);
      expect(five.body.bids).toHaveLength(5);
      expect(five.body.asks).toHaveLength(5);
      const full = running.sim.books.bookAt('ETHUSDT', five.body.lastUpdateId);
      expect(five.body.bids).toEqual(full.bids.slice(0, 5));
      expect(five.body.asks).toEqual(full.asks.slice(0, 5));
      expect(Number(full.bids[0]![0])).toBeLessThan(Number(full.asks[0]![0]));
      for (const [p, q] of [...full.bids, ...full.asks]) {
        expect(p).toMatch(/^\d+\.\d{8}$/);
        expect(q).toMatch(/^\d+\.\d{8}$/);
        expect(Number(q)).toBeGreaterThan(0);
        expect(Math.round(Number(p) * 100) / 100).toBe(Number(p));
      }
      expect(full.bids.length).toBeGreaterThan(50);
      expect(full.bids.length).toBeLessThanOrEqual(250);
      const weights = [];
      for (const limit of [100, 101, 500, 1000, 5000]) weights.push((await depth(running.url, `symbol=ETHUSDT&limit=${limit}`)).weight);
      expect(weights).toEqual(['10', '35', '60', '110', '360']);
      expect((await depth(running.url, 'symbol=ETHUSDT')).body.bids).toHaveLength(100);
      const tooMany = await fetch(`${running.url}/api/v3/depth?symbol=ETHUSDT&limit=5001`);
      expect(tooMany.status).toBe(400);
      expect(await tooMany.json()).toEqual({ code: -1130, msg: "Data sent for parameter 'limit' is not valid." });
      const unknown = await fetch(`${running.url}/api/v3/depth?symbol=NOPE`);
      expect(await unknown.json()).toEqual({ code: -1121, msg: 'Invalid symbol.' });
    } finally {
      await running.close();
    }
  });

  it('keeps evolving the book while nobody watches it, and keeps its recent history', async () => {
    const running = await startSim();
    try {
      const first = (await depth(running.url, 'symbol=BTCUSDT&limit=5000')).body;
      await sleep(600);
      const second = (await depth(running.url, 'symbol=BTCUSDT&limit=5000')).body;
      expect(second.lastUpdateId - first.lastUpdateId).toBeGreaterThanOrEqual(5);
      expect(second).not.toEqual(first);
      expect(running.sim.books.bookAt('BTCUSDT', first.lastUpdateId)).toEqual(first);
      expect(running.sim.books.bookAt('BTCUSDT', second.lastUpdateId)).toEqual(second);
      expect(running.sim.books.lastUpdateId('BTCUSDT')).toBeGreaterThanOrEqual(second.lastUpdateId);
      expect(() => running.sim.books.bookAt('BTCUSDT', running.sim.books.lastUpdateId('BTCUSDT') + 10)).toThrow(RangeError);
    } finally {
      await running.close();
    }
  });
});

describe('depth streams', () => {
  it('let a client following the documented procedure reproduce the true book after many updates', async () => {
    const running = await startSim({ speed: 20 });
    try {
      const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@depth@100ms`);
      await client.waitFor((b) => b.e === 'depthUpdate');
      const snapshot = (await depth(running.url, 'symbol=ETHUSDT&limit=5000')).body;
      // The client side is loader-ws's local book: the procedure it follows is checked against the truth here.
      const local = new LocalOrderBook();
      expect(local.applySnapshot(snapshot)).toBe('applied');
      let seen = 0;
      let applied = 0;
      let checked = 0;
      const deadline = Date.now() + 3000;
      while (Date.now() < deadline) {
        await sleep(100);
        for (const { body } of client.frames.slice(seen)) {
          expect(local.handle(body)).toBe('applied');
          if (body.u > snapshot.lastUpdateId && ++applied % 5 === 0) {
            expect(local.top(5000)).toEqual(numericBook(running.sim.books.bookAt('ETHUSDT', local.lastUpdateId!)));
            checked++;
          }
        }
        seen = client.frames.length;
      }
      await client.close();
      expect(local.lastUpdateId! - snapshot.lastUpdateId).toBeGreaterThan(1000);
      expect(applied).toBeGreaterThan(20);
      expect(checked).toBeGreaterThan(3);
      expect(local.top(5000)).toEqual(numericBook(running.sim.books.bookAt('ETHUSDT', local.lastUpdateId!)));
      const events = client.bodies();
      expect(events.every((e) => e.s === 'ETHUSDT' && e.u >= e.U && e.b.length + e.a.length > 0)).toBe(true);
      for (let i = 1; i < events.length; i++) expect(events[i].U).toBe(events[i - 1].u + 1);
    } finally {
      await running.close();
    }
  });

  it('sends @depth once a second', async () => {
    const running = await startSim();
    try {
      const client = await TestClient.open(`${running.wsUrl}/ws/btcusdt@depth`);
      await sleep(2400);
      await client.close();
      const events = client.frames.filter((f) => f.body.e === 'depthUpdate');
      expect(events).toHaveLength(2);
      expect(events[1]!.at - events[0]!.at).toBeGreaterThan(900);
      expect(events[1]!.body.U).toBe(events[0]!.body.u + 1);
      expect(events[0]!.body.u - events[0]!.body.U).toBeGreaterThanOrEqual(9);
    } finally {
      await running.close();
    }
  });
});
