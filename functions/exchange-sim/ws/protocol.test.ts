// The WebSocket protocol: raw and combined endpoints, stream names, refused upgrades, runtime requests,
// Binance's error codes, and the limits on streams and incoming messages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KLINE_INTERVALS } from '../../../shared/binance/intervals.ts';
import type { RunningExchangeSim } from '../serve.ts';
import { parseStream } from './streams.ts';
import { TestClient, sleep, startSim } from './ws-test-support.ts';

const known = (symbol: string) => symbol === 'ETHUSDT';

describe('stream names', () => {
  it('parses every kind and every kline interval', () => {
    expect(parseStream('ethusdt@trade', known)).toEqual({ kind: 'trade', symbol: 'ETHUSDT' });
    expect(parseStream('ethusdt@aggTrade', known)).toEqual({ kind: 'aggTrade', symbol: 'ETHUSDT' });
    expect(parseStream('ethusdt@depth', known)).toEqual({ kind: 'depth', symbol: 'ETHUSDT', everyMs: 1000 });
    expect(parseStream('ethusdt@depth@1000ms', known)).toEqual({ kind: 'depth', symbol: 'ETHUSDT', everyMs: 1000 });
    expect(parseStream('ethusdt@depth@100ms', known)).toEqual({ kind: 'depth', symbol: 'ETHUSDT', everyMs: 100 });
    for (const interval of KLINE_INTERVALS) expect(parseStream(`ethusdt@kline_${interval}`, known)).toEqual({ kind: 'kline', symbol: 'ETHUSDT', interval });
  });

  it('knows no other names', () => {
    for (const name of ['btcusdt@trade', 'ETHUSDT@trade', 'ethusdt@aggtrade', 'ethusdt@kline_2m', 'ethusdt@kline_', 'ethusdt@depth@250ms', 'ethusdt', '@trade', 'ethusdt@ticker']) {
      expect(parseStream(name, known), name).toBeUndefined();
    }
  });
});

describe('WebSocket endpoints', () => {
  let running: RunningExchangeSim;
  beforeAll(async () => {
    running = await startSim();
  });
  afterAll(() => running.close());

  it('sends bare aggTrade payloads on /ws/<stream>', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    const { body, at } = await client.waitFor((b) => b.e === 'aggTrade');
    expect(Object.keys(body)).toEqual(['e', 'E', 's', 'a', 'p', 'q', 'f', 'l', 'T', 'm', 'M']);
    expect(body.s).toBe('ETHUSDT');
    expect(body.p).toMatch(/^\d+\.\d{8}$/);
    expect(body.q).toMatch(/^\d+\.\d{8}$/);
    expect(body.l - body.f).toBeGreaterThanOrEqual(0);
    expect(body.l - body.f).toBeLessThanOrEqual(2);
    expect(body.M).toBe(true);
    expect(typeof body.m).toBe('boolean');
    expect(body.E).toBeLessThanOrEqual(at);
    expect(body.E).toBeGreaterThan(at - 1000);
    await client.close();
  });

  it('sends several raw streams on /ws/<a>/<b>, told apart by their event type', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@trade/ethusdt@depth@100ms`);
    const trade = await client.waitFor((b) => b.e === 'trade');
    const depth = await client.waitFor((b) => b.e === 'depthUpdate');
    expect(Object.keys(trade.body)).toEqual(['e', 'E', 's', 't', 'p', 'q', 'T', 'm', 'M']);
    expect(Object.keys(depth.body)).toEqual(['e', 'E', 's', 'U', 'u', 'b', 'a']);
    expect(depth.body.u).toBeGreaterThanOrEqual(depth.body.U);
    await client.close();
  });

  it('wraps payloads as {stream, data} on /stream?streams=', async () => {
    const client = await TestClient.open(`${running.wsUrl}/stream?streams=ethusdt@aggTrade/ethusdt@kline_1m`);
    const trade = await client.waitFor((b) => b.stream === 'ethusdt@aggTrade');
    const kline = await client.waitFor((b) => b.stream === 'ethusdt@kline_1m', 3000);
    expect(Object.keys(trade.body)).toEqual(['stream', 'data']);
    expect(trade.body.data.e).toBe('aggTrade');
    expect(kline.body.data.e).toBe('kline');
    expect(Object.keys(kline.body.data.k)).toEqual(['t', 'T', 's', 'i', 'f', 'L', 'o', 'c', 'h', 'l', 'v', 'n', 'x', 'q', 'V', 'Q', 'B']);
    expect(kline.body.data.k.i).toBe('1m');
    expect(kline.body.data.k.T - kline.body.data.k.t).toBe(59_999);
    await client.close();
  });

  it('refuses unknown streams and symbols with 400 naming them, and other paths with 404', async () => {
    expect(await TestClient.refusal(`${running.wsUrl}/ws/ethusdt@ticker`)).toEqual({ status: 400, body: { error: 'unknown stream ethusdt@ticker' } });
    expect(await TestClient.refusal(`${running.wsUrl}/stream?streams=ethusdt@trade/dogeusdt@trade`)).toEqual({
      status: 400,
      body: { error: 'unknown stream dogeusdt@trade' },
    });
    const other = await TestClient.refusal(`${running.wsUrl}/websocket`);
    expect(other.status).toBe(404);
  });

  it('refuses more than 1024 streams in the URL', async () => {
    const names = Array.from({ length: 1025 }, (_, i) => `s${i}usdt@trade`).join('/');
    expect(await TestClient.refusal(`${running.wsUrl}/stream?streams=${names}`)).toEqual({ status: 400, body: { error: 'at most 1024 streams per connection' } });
  });
});

describe('requests on a connection', () => {
  let running: RunningExchangeSim;
  beforeAll(async () => {
    running = await startSim();
  });
  afterAll(() => running.close());

  it('subscribes, lists and unsubscribes at runtime', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws`);
    expect(await client.request('LIST_SUBSCRIPTIONS', undefined, 1)).toEqual({ result: [], id: 1 });
    expect(await client.request('SUBSCRIBE', ['ethusdt@aggTrade', 'btcusdt@depth'], 2)).toEqual({ result: null, id: 2 });
    expect(await client.request('LIST_SUBSCRIPTIONS', undefined, 3)).toEqual({ result: ['ethusdt@aggTrade', 'btcusdt@depth'], id: 3 });
    await client.waitFor((b) => b.e === 'aggTrade');
    await sleep(1100);
    expect(await client.request('UNSUBSCRIBE', ['ethusdt@aggTrade'], 4)).toEqual({ result: null, id: 4 });
    const after = client.frames.length;
    await sleep(500);
    expect(client.frames.slice(after).filter((f) => f.body.e === 'aggTrade')).toEqual([]);
    expect(client.bodies((b) => b.e === 'depthUpdate').every((b) => b.s === 'BTCUSDT')).toBe(true);
    expect(client.bodies((b) => b.e === 'depthUpdate').length).toBeGreaterThanOrEqual(1);
    expect(await client.request('LIST_SUBSCRIPTIONS', undefined, 5)).toEqual({ result: ['btcusdt@depth'], id: 5 });
    expect(running.sim.feeds.active()).toEqual(['BTCUSDT@depth@1000ms']);
    await client.close();
    await sleep(50);
    expect(running.sim.feeds.active()).toEqual([]);
  });

  it('switches between raw and combined frames with SET_PROPERTY', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@aggTrade`);
    expect(await client.request('GET_PROPERTY', ['combined'], 1)).toEqual({ result: false, id: 1 });
    expect(await client.request('SET_PROPERTY', ['combined', true], 2)).toEqual({ result: null, id: 2 });
    expect(await client.request('GET_PROPERTY', ['combined'], 3)).toEqual({ result: true, id: 3 });
    const from = client.frames.length;
    const wrapped = await client.waitFor((b) => b.stream !== undefined, 3000, from);
    expect(wrapped.body.stream).toBe('ethusdt@aggTrade');
    expect(wrapped.body.data.e).toBe('aggTrade');
    await client.close();
  });

  it('answers bad requests with Binance error codes', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws`);
    const reply = async (text: string) => {
      const from = client.frames.length;
      client.send(text);
      return (await client.waitFor((b) => 'error' in b, 2000, from)).body;
    };
    expect(await reply('{"method":"SUBSCRIBE",')).toEqual({ error: { code: 3, msg: expect.stringMatching(/^Invalid JSON: /) }, id: null });
    expect(await reply('{"method":"PING","params":[],"id":7}')).toEqual({
      error: { code: 2, msg: 'Invalid request: unknown variant `PING`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`' },
      id: 7,
    });
    await sleep(1100);
    expect(await reply('{"method":"SUBSCRIBE","params":["ethusdt@ticker"],"id":8}')).toEqual({
      error: { code: 2, msg: 'Invalid request: unknown stream `ethusdt@ticker`' },
      id: 8,
    });
    expect(await reply('{"method":"SUBSCRIBE","id":9}')).toEqual({ error: { code: 2, msg: 'Invalid request: missing field `params`' }, id: 9 });
    expect(await reply('{"method":"SUBSCRIBE","params":["ethusdt@trade"],"id":{"n":1}}')).toEqual({
      error: { code: 2, msg: 'Invalid request: request ID must be an integer, a string of at most 36 letters and digits, or null' },
      id: null,
    });
    await sleep(1100);
    expect(await reply('{"method":"SET_PROPERTY","params":["compressed",true],"id":10}')).toEqual({ error: { code: 0, msg: 'Unknown property' }, id: 10 });
    expect(await reply('{"method":"SET_PROPERTY","params":["combined","yes"],"id":11}')).toEqual({ error: { code: 1, msg: 'Invalid value type: expected Boolean' }, id: 11 });
    expect(await client.request('LIST_SUBSCRIPTIONS', undefined, 12)).toEqual({ result: [], id: 12 });
    await client.close();
  });

  it('closes a connection that sends more than 5 messages a second', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws`);
    for (let id = 1; id <= 5; id++) client.send({ method: 'LIST_SUBSCRIPTIONS', id });
    await client.waitFor((b) => b.id === 5);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.send({ method: 'LIST_SUBSCRIPTIONS', id: 6 });
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toBe('Too many messages; at most 5 per second');
    expect(client.bodies().map((b) => b.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('lets a client send 5 messages every second', async () => {
    const client = await TestClient.open(`${running.wsUrl}/ws`);
    for (let round = 0; round < 3; round++) {
      for (let k = 1; k <= 5; k++) client.send({ method: 'LIST_SUBSCRIPTIONS', id: round * 5 + k });
      await client.waitFor((b) => b.id === round * 5 + 5);
      await sleep(1050);
    }
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    expect(client.bodies()).toHaveLength(15);
    await client.close();
  });
});

describe('the stream limit', () => {
  it('accepts 1024 streams on a connection and refuses the next', async () => {
    const symbols = Array.from({ length: 49 }, (_, i) => ({
      symbol: `S${i}USDT`,
      baseAsset: `S${i}`,
      quoteAsset: 'USDT',
      tickSize: '0.01',
      stepSize: '0.001',
      startPrice: 100,
      listedAt: Date.parse('2024-01-01T00:00:00Z'),
      tradesPerHour: 10,
    }));
    const running = await startSim({ symbols });
    try {
      const suffixes = ['trade', 'aggTrade', 'depth', 'depth@100ms', 'depth@1000ms', ...KLINE_INTERVALS.map((i) => `kline_${i}`)];
      const names = symbols.flatMap((s) => suffixes.map((x) => `${s.symbol.toLowerCase()}@${x}`));
      expect(names).toHaveLength(1029);
      const client = await TestClient.open(`${running.wsUrl}/ws`);
      expect(await client.request('SUBSCRIBE', names.slice(0, 1024), 1)).toEqual({ result: null, id: 1 });
      expect(await client.request('SUBSCRIBE', names.slice(1020, 1025), 2)).toEqual({
        error: { code: 2, msg: 'Invalid request: at most 1024 streams per connection' },
        id: 2,
      });
      expect(((await client.request('LIST_SUBSCRIPTIONS', undefined, 3)) as { result: string[] }).result).toHaveLength(1024);
      await client.close();
    } finally {
      await running.close();
    }
  });
});
