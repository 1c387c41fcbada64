// WebSocket faults through POST /sim/faults: dropped connections and refused upgrades, an announced
// shutdown, a skipped depth update id, a stalled stream, and the connection lifetime limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningExchangeSim } from '../serve.ts';
import type { AggTradeRow } from '../test-support.ts';
import type { BookView } from './books.ts';
import { LocalOrderBook } from '../../loader-ws/order-book.ts';
import { TestClient, numericBook, sleep, startSim } from './ws-test-support.ts';

let running: RunningExchangeSim;

async function inject(body: unknown): Promise<{ status: number; body: { pending?: unknown[]; field?: string } }> {
  const res = await fetch(`${running.url}/sim/faults`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  return { status: res.status, body: (await res.json()) as { pending?: unknown[]; field?: string } };
}

async function snapshot(symbol: string): Promise<BookView> {
  return (await (await fetch(`${running.url}/api/v3/depth?symbol=${symbol}&limit=5000`)).json()) as BookView;
}

describe('WebSocket faults', () => {
  beforeEach(async () => {
    running = await startSim({ speed: 4, wsPingIntervalMs: 100 });
  });
  afterEach(() => running.close());

  it('validates the new kinds and applies them at once rather than queueing them', async () => {
    expect(await inject({ kind: 'depth-skip', symbol: 'NOPEUSDT' })).toEqual({ status: 400, body: { error: 'invalid fault: symbol: unknown symbol', field: 'symbol' } });
    expect((await inject({ kind: 'ws-stall' })).body.field).toBe('ms');
    expect((await inject({ kind: 'ws-drop', refuseMs: -1 })).body.field).toBe('refuseMs');
    expect((await inject({ kind: 'ws-lifetime', ms: 0 })).body.field).toBe('ms');
    expect(await inject({ kind: 'ws-lifetime', ms: 86_400_000 })).toEqual({ status: 201, body: { pending: [] } });
    expect(running.sim.socketFaults.lifetimeMs).toBe(86_400_000);
  });

  it('ws-drop terminates every connection and refuses upgrades for refuseMs; REST fills the gap by id', async () => {
    const raw = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    const combined = await TestClient.open(`${running.wsUrl}/stream?streams=ethusdt@depth@100ms`);
    await raw.waitFor((b) => b.e === 'aggTrade');
    expect(await inject({ kind: 'ws-drop', refuseMs: 400 })).toEqual({ status: 201, body: { pending: [] } });
    expect((await raw.closed).code).toBe(1006);
    expect((await combined.closed).code).toBe(1006);
    const refused = await TestClient.refusal(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    expect(refused).toEqual({ status: 503, body: { error: 'WebSocket connections are refused for now; try again shortly' } });
    await sleep(450);
    const again = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    const resumed = (await again.waitFor((b) => b.e === 'aggTrade')).body;
    await again.close();
    const lastBefore = raw.bodies().at(-1);
    expect(resumed.a).toBeGreaterThan(lastBefore.a + 1);
    const gap = (await (await fetch(`${running.url}/api/v3/aggTrades?symbol=ETHUSDT&fromId=${lastBefore.a + 1}&limit=1000`)).json()) as AggTradeRow[];
    const filled = gap.filter((t) => t.a < resumed.a);
    expect(filled.map((t) => t.a)).toEqual(Array.from({ length: resumed.a - lastBefore.a - 1 }, (_, i) => lastBefore.a + 1 + i));
    expect(filled.every((t) => t.T >= lastBefore.T && t.T <= resumed.T)).toBe(true);
  });

  it('ws-shutdown announces serverShutdown on every connection and closes them closeAfterMs later', async () => {
    const raw = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    const combined = await TestClient.open(`${running.wsUrl}/stream?streams=ethusdt@aggTrade`);
    const injected = Date.now();
    expect((await inject({ kind: 'ws-shutdown', closeAfterMs: 400 })).status).toBe(201);
    const notice = await raw.waitFor((b) => b.e === 'serverShutdown');
    expect(Object.keys(notice.body)).toEqual(['e', 'E']);
    expect(notice.body.E).toBeGreaterThanOrEqual(injected);
    const wrapped = await combined.waitFor((b) => b.stream === 'serverShutdown');
    expect(wrapped.body).toEqual({ stream: 'serverShutdown', data: { e: 'serverShutdown', E: expect.any(Number) } });
    const [rawClosed, combinedClosed] = await Promise.all([raw.closed, combined.closed]);
    expect(rawClosed).toMatchObject({ code: 1001, reason: 'server shutdown' });
    expect(combinedClosed).toMatchObject({ code: 1001, reason: 'server shutdown' });
    expect(rawClosed.at - injected).toBeGreaterThanOrEqual(380);
    expect(rawClosed.at - injected).toBeLessThan(1500);
    // Trades kept coming between the notice and the close.
    expect(raw.frames.some((f) => f.at > notice.at && f.body.e === 'aggTrade')).toBe(true);
  });

  it('depth-skip leaves one update id out of the stream; a client resyncs to the true book', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@depth@100ms`);
    await client.waitFor((b) => b.e === 'depthUpdate');
    // The client side is loader-ws's local book, following Binance's procedure.
    const local = new LocalOrderBook();
    expect(local.applySnapshot(await snapshot('ETHUSDT'))).toBe('applied');
    await sleep(300);
    expect((await inject({ kind: 'depth-skip', symbol: 'ETHUSDT' })).status).toBe(201);
    await sleep(500);
    let before = local.lastUpdateId!;
    const gapAt = client.frames.findIndex(({ body }) => {
      if (local.lastUpdateId !== undefined) before = local.lastUpdateId;
      return local.handle(body) === 'gap';
    });
    expect(gapAt).toBeGreaterThan(0);
    const gap = client.frames[gapAt]!.body;
    expect(gap.U).toBe(before + 2);
    // The hidden update changed the true book, though no event carried it.
    const hidden = gap.U - 1;
    expect(running.sim.books.bookAt('ETHUSDT', hidden)).not.toEqual(running.sim.books.bookAt('ETHUSDT', hidden - 1));
    let resyncs = 1;
    expect(local.applySnapshot(await snapshot('ETHUSDT'))).toBe('applied');
    await sleep(500);
    const resynced = local.lastUpdateId!;
    for (const { body } of client.frames.slice(gapAt + 1)) if (local.handle(body) === 'gap') resyncs++;
    await client.close();
    expect(resyncs).toBe(1);
    expect(local.lastUpdateId!).toBeGreaterThan(resynced);
    expect(local.top(5000)).toEqual(numericBook(running.sim.books.bookAt('ETHUSDT', local.lastUpdateId!)));
    const events = client.bodies();
    const gaps = events.slice(1).filter((e, i) => e.U !== events[i].u + 1);
    expect(gaps).toHaveLength(1);
  });

  it('ws-stall holds back a stream for ms while pings and other streams go on, then sends everything', async () => {
    const client = await TestClient.open(`${running.wsUrl}/stream?streams=ethusdt@aggTrade/ethusdt@depth@100ms`);
    await client.waitFor((b) => b.stream === 'ethusdt@aggTrade');
    const injected = Date.now();
    expect((await inject({ kind: 'ws-stall', stream: 'ethusdt@aggTrade', ms: 700 })).status).toBe(201);
    await sleep(1200);
    await client.close();
    const during = (f: { at: number }) => f.at > injected + 100 && f.at < injected + 650;
    expect(client.frames.filter((f) => during(f) && f.body.stream === 'ethusdt@aggTrade')).toEqual([]);
    expect(client.frames.filter((f) => during(f) && f.body.stream === 'ethusdt@depth@100ms').length).toBeGreaterThan(0);
    expect(client.pings.filter((at) => during({ at })).length).toBeGreaterThan(0);
    const trades = client.bodies((b) => b.stream === 'ethusdt@aggTrade').map((b) => b.data);
    for (let i = 1; i < trades.length; i++) expect(trades[i].a).toBe(trades[i - 1].a + 1);
    const held = client.frames.filter((f) => f.body.stream === 'ethusdt@aggTrade' && f.at - f.body.data.E > 300);
    expect(held.length).toBeGreaterThan(10);
    expect(client.frames.filter((f) => f.at > injected + 750 && f.body.stream === 'ethusdt@aggTrade').length).toBeGreaterThan(held.length);
  });

  it('ws-stall without a stream holds back every stream', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade/ethusdt@depth@100ms`);
    await client.waitFor((b) => b.e === 'depthUpdate');
    const injected = Date.now();
    await inject({ kind: 'ws-stall', ms: 500 });
    await sleep(800);
    await client.close();
    expect(client.frames.filter((f) => f.at > injected + 50 && f.at < injected + 450)).toEqual([]);
    const depth = client.bodies((b) => b.e === 'depthUpdate');
    for (let i = 1; i < depth.length; i++) expect(depth[i].U).toBe(depth[i - 1].u + 1);
  });

  it('ws-lifetime closes connections older than the limit', async () => {
    const old = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    await sleep(300);
    expect((await inject({ kind: 'ws-lifetime', ms: 500 })).status).toBe(201);
    const young = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    const youngOpened = Date.now();
    const oldClosed = await old.closed;
    expect(oldClosed).toMatchObject({ code: 1001, reason: 'connection lifetime limit reached' });
    const youngClosed = await young.closed;
    expect(youngClosed).toMatchObject({ code: 1001, reason: 'connection lifetime limit reached' });
    expect(youngClosed.at - youngOpened).toBeGreaterThanOrEqual(450);
    expect(youngClosed.at - youngOpened).toBeLessThan(1000);
    expect(youngClosed.at - oldClosed.at).toBeGreaterThan(150);
  });
});
