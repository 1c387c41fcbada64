// loader-ws against the exchange simulator's WebSocket and REST sides: the local order book equals the
// simulator's true book through a skipped update id and a dropped connection; trades stay contiguous by id
// through a forced disconnect (backfilled from REST) and a rotation before the lifetime limit; closed
// candles equal REST's; bad frames are dead-lettered while the stream goes on.
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { RunningExchangeSim } from '../exchange-sim/serve.ts';
import { startSim } from '../exchange-sim/ws/ws-test-support.ts';
import type { Book, Candle, MarketRecord, Trade } from '../../shared/contracts/market.ts';
import { DEAD_LETTER_TOPIC } from '../../shared/harness/dead-letter.ts';
import type { HarnessEvents } from '../../shared/harness/instrumentation.ts';
import type { Ports } from '../../shared/harness/step.ts';
import { take } from '../../test/contracts/bus.contract.ts';
import { until } from '../../test/helpers.ts';
import { commandFor, embeddedPorts, runStep, stepContext } from '../../test/step-context.ts';
import { type LoaderWsOptions, createLoaderWs } from './index.ts';

const RANGE = '2024-09-01:2024-09-03';

let sim: RunningExchangeSim | undefined;
let stop: (() => Promise<unknown>) | undefined;
afterEach(async () => {
  await stop?.();
  await sim?.close();
  sim = stop = undefined;
});

/** Runs a loader-ws step until the test stops it, collecting what it publishes and what it reports. */
function stream(type: string, options: Partial<LoaderWsOptions> = {}, symbol = 'ETHUSDT', ports: Ports = embeddedPorts()) {
  const command = commandFor('loader-ws', symbol, type, RANGE);
  const controller = new AbortController();
  const ctx = stepContext(ports, command, controller.signal);
  const events: { [E in keyof HarnessEvents]?: HarnessEvents[E][] } = {};
  for (const name of ['live.reconnected', 'live.resynced', 'live.backfilled', 'live.skipped', 'live.published'] as const) {
    ports.instrumentation.on(name, (e) => {
      (events[name] ??= [] as never[]).push(e as never);
    });
  }
  const records: MarketRecord[] = [];
  const reader = ports.bus.subscribe({ group: 'test-reader', topics: [command.kafka_topic] });
  const reading = (async () => {
    for await (const batch of reader) records.push(...batch.records.map((r) => JSON.parse(r.value) as MarketRecord));
  })();
  const definition = createLoaderWs({ restUrl: sim?.url ?? '', wsUrl: sim?.wsUrl ?? '', reportEveryMs: 0, ...options });
  const { result } = runStep(definition, ctx);
  const outcome = result.catch((error: unknown) => error);
  stop = async () => {
    controller.abort('cancelled');
    await outcome;
    await reader.close();
    await reading;
  };
  return { records, events, ctx, ports, outcome, stop };
}

const trades = (records: MarketRecord[]) => records.filter((r): r is Trade => r.kind === 'trade');
const books = (records: MarketRecord[]) => records.filter((r): r is Book => r.kind === 'book');
const fault = (spec: object) => fetch(`${sim!.url}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
const numeric = (levels: readonly (readonly [string, string])[]) => levels.map(([p, q]) => [Number(p), Number(q)]);

function expectContiguous(list: readonly Trade[]) {
  const ids = list.map((t) => t.agg_id);
  expect(new Set(ids).size).toBe(ids.length);
  ids.forEach((id, i) => {
    if (i > 0) expect(id, `after ${ids[i - 1]}`).toBe(ids[i - 1]! + 1);
  });
}

describe('loader-ws', () => {
  it("keeps a local order book equal to the exchange's true book through a skipped update id and a dropped connection", async () => {
    sim = await startSim({ speed: 20 });
    const live = stream('ws_depth', { bookLevels: 5000, bookEveryMs: 0 });
    const last = () => books(live.records).at(-1);
    await until('the book synced and a thousand updates applied', () => (last()?.update_id ?? 0) - (books(live.records)[0]?.update_id ?? Infinity) >= 1000, 20_000);

    expect((await fault({ kind: 'depth-skip', symbol: 'ETHUSDT' })).status).toBe(201);
    await until('a resync after the skipped id', () => (live.events['live.resynced']?.length ?? 0) === 1, 10_000);
    const afterGap = last()!.update_id;
    await until('updates after the resync', () => last()!.update_id > afterGap + 500, 15_000);

    expect((await fault({ kind: 'ws-drop' })).status).toBe(201);
    await until('a reconnect', () => (live.events['live.reconnected']?.length ?? 0) === 1, 10_000);
    const afterDrop = last()!.update_id;
    await until('updates after the reconnect', () => last()!.update_id > afterDrop + 500, 15_000);

    const published = books(live.records);
    expect(published[0]!.update_id).toBeGreaterThan(0);
    expect(published.at(-1)!.update_id - published[0]!.update_id).toBeGreaterThan(2000);
    // Every book published — before the gap, between the gap and the drop, after the drop — equals the
    // exchange's book at the same id, level for level.
    expect(published.filter((b) => b.update_id > afterDrop).length).toBeGreaterThan(3);
    expect(published.length).toBeGreaterThan(30);
    for (const book of published) {
      const truth = sim.sim.books.bookAt('ETHUSDT', book.update_id);
      expect(book.bids, `bids at ${book.update_id}`).toEqual(numeric(truth.bids));
      expect(book.asks, `asks at ${book.update_id}`).toEqual(numeric(truth.asks));
    }
    expect(published.at(-1)!.bids.length).toBeGreaterThan(20);
    // One resync for the skipped id, one for the updates sent while the connection was down.
    expect(live.events['live.resynced']).toEqual([
      { fn: 'loader-ws', count: 1 },
      { fn: 'loader-ws', count: 1 },
    ]);
  }, 60_000);

  it('stores a contiguous trade sequence through a forced disconnect of several seconds, the gap backfilled from REST', async () => {
    sim = await startSim();
    const live = stream('ws_trades');
    await until('trades flowing', () => trades(live.records).length >= 50, 10_000);
    expect((await fault({ kind: 'ws-drop', refuseMs: 3000 })).status).toBe(201);
    await until('a reconnect', () => (live.events['live.reconnected']?.length ?? 0) >= 1, 10_000);
    await until('trades after the reconnect', () => (live.events['live.backfilled']?.length ?? 0) === 1, 15_000);
    const atBackfill = trades(live.records).length;
    await until('live trades again', () => trades(live.records).length > atBackfill + 50, 10_000);
    await live.stop();

    const got = trades(live.records);
    expectContiguous(got);
    // Three seconds at about 28 trades a second came from REST, not the socket.
    const backfilled = live.events['live.backfilled']![0]!.records;
    expect(backfilled).toBeGreaterThan(50);
    expect(got.filter((t) => t.event_time === undefined)).toHaveLength(backfilled);
    // And each is the trade REST serves for its id.
    const rest = (await (await fetch(`${sim.url}/api/v3/aggTrades?symbol=ETHUSDT&fromId=${got[0]!.agg_id}&limit=${got.length}`)).json()) as {
      a: number;
      p: string;
      q: string;
      T: number;
    }[];
    expect(got.map((t) => [t.agg_id, t.price, t.qty, t.time])).toEqual(rest.map((r) => [r.a, Number(r.p), Number(r.q), r.T]));
    expect(live.ctx.reports.at(-1)!.message).toMatch(/^Streaming: \d+ records live \(1 reconnects, \d+ backfilled from REST, 0 order-book resyncs\)$/);
  }, 60_000);

  it('rotates its connection before the lifetime limit without a gap, and survives the limit when it does not', async () => {
    sim = await startSim();
    expect((await fault({ kind: 'ws-lifetime', ms: 1500 })).status).toBe(201);
    const rotating = stream('ws_trades', { connection: { rotateAfterMs: 1000 } });
    await until('three rotations', () => trades(rotating.records).length > 150, 15_000);
    await rotating.stop();
    expectContiguous(trades(rotating.records));
    // Rotated in time: nothing was missed, so nothing came from REST and no connection was lost.
    expect(rotating.events['live.backfilled']).toBeUndefined();
    expect(rotating.events['live.reconnected']).toBeUndefined();

    const late = stream('ws_trades', { connection: { rotateAfterMs: 60_000 } });
    await until('closed by the exchange and reconnected', () => (late.events['live.reconnected']?.length ?? 0) >= 2, 15_000);
    await until('more trades', () => trades(late.records).length > 100, 10_000);
    await late.stop();
    expectContiguous(trades(late.records));
  }, 60_000);

  it('publishes each update of the open candle as partial and the closed candle as REST serves it', async () => {
    sim = await startSim({ speed: 60 });
    const live = stream('ws_candles_1m');
    const closed = () => live.records.filter((r): r is Candle => r.kind === 'candle' && !r.partial && !r.warmup);
    await until('three closed candles', () => closed().length >= 3, 20_000);
    await live.stop();
    const candles = live.records.filter((r): r is Candle => r.kind === 'candle');
    const warmup = candles.filter((c) => c.warmup);
    expect(warmup).toHaveLength(250);
    const bars = closed();
    expect(bars[0]!.open_time).toBe(warmup.at(-1)!.open_time + 60_000);
    bars.forEach((c, i) => {
      if (i > 0) expect(c.open_time).toBe(bars[i - 1]!.open_time + 60_000);
    });
    expect(candles.filter((c) => c.partial).length).toBeGreaterThan(0);
    const rest = (await (await fetch(`${sim.url}/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=${bars[0]!.open_time}&limit=${bars.length}`)).json()) as (string | number)[][];
    expect(bars.map((c) => [c.open_time, c.open, c.high, c.low, c.close, c.volume, c.trades])).toEqual(
      rest.map((k) => [k[0], Number(k[1]), Number(k[2]), Number(k[3]), Number(k[4]), Number(k[5]), k[8]]),
    );
  }, 60_000);

  it('logs and dead-letters a frame that is not JSON, not a followed stream or not its event, and goes on', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    const trade = { e: 'aggTrade', E: Date.now(), s: 'ETHUSDT', a: 7, p: '3200.01', q: '0.5', f: 10, l: 11, T: Date.UTC(2024, 8, 1, 12), m: false, M: true };
    server.on('connection', (socket) => {
      socket.send('{"stream": oops');
      socket.send(JSON.stringify({ stream: 'btcusdt@aggTrade', data: { ...trade, s: 'BTCUSDT' } }));
      socket.send(JSON.stringify({ stream: 'ethusdt@aggTrade', data: { ...trade, a: 'seven' } }));
      socket.send(JSON.stringify({ stream: 'ethusdt@aggTrade', data: trade }));
    });
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const live = stream('ws_trades', { restUrl: url.replace('ws', 'http'), wsUrl: url });
    try {
      await until('the good trade', () => trades(live.records).length === 1);
      const letters = await take(live.ports.bus.subscribe({ group: 'test-letters', topics: [DEAD_LETTER_TOPIC] }), 3);
      expect(letters.map((l) => l.headers['x-dead-letter-reason'])).toEqual([
        'ethusdt@aggTrade: a: Invalid input: expected number, received string',
        'not JSON',
        'unknown stream btcusdt@aggTrade',
      ]);
      expect(trades(live.records)[0]).toMatchObject({ agg_id: 7, price: 3200.01, qty: 0.5, event_time: trade.E });
      expect(live.events['live.skipped']).toEqual([
        { fn: 'loader-ws', reason: 'not-json' },
        { fn: 'loader-ws', reason: 'unknown-stream' },
      ]);
    } finally {
      await live.stop();
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
