// The visualizer on the whole platform in-process (embedded bus and store): the history route and its
// refusals, and the relay of a live workflow's records to pages over /live. The exchange is unreachable,
// so loader-ws streams nothing and the records on the data topics are exactly those the test publishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rsi } from '../../shared/analytics/indicators.ts';
import type { LocalPlatform } from '../../platform/local.ts';
import { freePort } from '../../platform/free-port.ts';
import { type Book, type Candle, type Trade, dataTopic } from '../../shared/contracts/market.ts';
import type { Step } from '../../shared/contracts/workflow.ts';
import { formatDate } from '../../shared/contracts/time-range.ts';
import { publish } from '../../shared/harness/publish.ts';
import { api, startTestPlatform, until } from '../../test/helpers.ts';
import { DAY, MINUTE, PageClient, bar, ofType, storeDay } from './test-support.ts';

const typical = (c: Candle) => (c.high + c.low + c.close) / 3;
const vwapOf = (bars: readonly Candle[]) => bars.reduce((sum, c) => sum + typical(c) * c.volume, 0) / bars.reduce((sum, c) => sum + c.volume, 0);
const STORED = 30;
const storedBars = Array.from({ length: STORED }, (_, i) => bar(i));

describe('visualizer', () => {
  let platform: LocalPlatform;
  let socketUrl: string;
  const get = (path: string) => api({ url: platform.visualizerUrl }, path);

  beforeAll(async () => {
    platform = await startTestPlatform({ BINANCE_REST_URL: `http://127.0.0.1:${await freePort()}` });
    socketUrl = `${platform.visualizerUrl.replace('http', 'ws')}/live`;
    await storeDay(platform.ports.store, STORED);
  });
  afterAll(async () => platform?.stop());

  it('serves the page and its bundled script from one origin', async () => {
    const page = await fetch(platform.visualizerUrl);
    expect(page.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    expect(await page.text()).toContain('<script src="/app.js"></script>');
    const script = await fetch(`${platform.visualizerUrl}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // lightweight-charts is in the bundle, not fetched from a CDN.
    expect(await script.text()).toContain('lightweight-charts');
    expect(await get('/livez')).toEqual({ status: 200, body: { status: 'ok' }, headers: expect.anything() });
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { bus: 'ok', store: 'ok' } } });
  });

  it('answers the last stored bars with their stored RSI and VWAP, oldest first', async () => {
    const { status, body } = await get('/api/history?symbol=ETHUSDT&interval=1m&limit=10');
    expect(status).toBe(200);
    expect(body.candles.map((c: Candle) => c.open_time)).toEqual(Array.from({ length: 10 }, (_, i) => DAY + (20 + i) * MINUTE));
    // The brief's reference RSI values for the 21st and the 30th close.
    expect(body.candles[0].rsi_14).toBeCloseTo(62.8807, 4);
    expect(body.candles[9].rsi_14).toBeCloseTo(45.4995, 4);
    expect(body.candles[9]).toEqual({ ...pick(storedBars[29]!), rsi_14: body.candles[9].rsi_14, vwap: vwapOf(storedBars) });
    expect((await get('/api/history?symbol=ETHUSDT')).body.candles).toHaveLength(STORED);
    expect(await get('/api/symbols')).toMatchObject({
      status: 200,
      body: { symbols: [{ symbol: 'ETHUSDT', intervals: ['1m'], live: { intervals: [], trades: false, depth: false } }] },
    });
  });

  it('refuses an unknown or malformed symbol, interval or limit with 400 naming the field', async () => {
    expect(await get('/api/history?symbol=XRPUSDT')).toMatchObject({
      status: 400,
      body: { field: 'symbol', error: 'symbol: unknown symbol XRPUSDT: nothing stored and no live workflow for it; GET /api/symbols lists the known ones' },
    });
    expect((await get('/api/history?interval=1m')).body.field).toBe('symbol');
    expect(await get('/api/history?symbol=ethusdt')).toMatchObject({ status: 400, body: { field: 'symbol', error: 'symbol: must be an upper-case symbol such as BTCUSDT' } });
    expect(await get('/api/history?symbol=ETHUSDT&interval=7m')).toMatchObject({ status: 400, body: { field: 'interval' } });
    expect(await get('/api/history?symbol=ETHUSDT&limit=0')).toMatchObject({ status: 400, body: { field: 'limit', error: 'limit: must be from 1 to 1000, not 0' } });
    expect(await get('/api/history?symbol=ETHUSDT&limit=ten')).toMatchObject({
      status: 400,
      body: { field: 'limit', error: 'limit: must be a whole number from 1 to 1000 written in digits, not "ten"' },
    });

    expect(await PageClient.refusal(`${socketUrl}?symbol=XRPUSDT&interval=1m`)).toEqual({
      status: 400,
      body: { field: 'symbol', error: 'symbol: unknown symbol XRPUSDT: nothing stored and no live workflow for it; GET /api/symbols lists the known ones' },
    });
    expect(await PageClient.refusal(`${socketUrl}?symbol=ETHUSDT&interval=7m`)).toMatchObject({ status: 400, body: { field: 'interval' } });
    expect(await PageClient.refusal(`${socketUrl}?interval=1m`)).toMatchObject({ status: 400, body: { field: 'symbol' } });
    expect(await PageClient.refusal(`${socketUrl.replace('/live', '/ws')}?symbol=ETHUSDT`)).toMatchObject({ status: 404 });
  });

  it("relays a live workflow's records to the pages of its symbol, candles with indicators continuing the stored ones", async () => {
    const range = `${formatDate(Date.now())}:${formatDate(Date.now() + 86_400_000)}`;
    const started = await api(platform, '/workflows', { json: { symbols: ['ETHUSDT'], types: ['ws_trades', 'ws_candles_1m', 'ws_depth'], time_range: range } });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const steps = (await api(platform, `/workflows/${id}`)).body.steps as Step[];
    const topicOf = (type: string) => dataTopic(steps.find((s) => s.target === 'loader-ws' && String(s.type) === type)!.kafka_topic);
    await until('the visualizer reads the live topics', async () => (await get('/api/symbols')).body.symbols[0].live.depth === true);

    const minute = await PageClient.open(`${socketUrl}?symbol=ETHUSDT&interval=1m`);
    const fiveMinutes = await PageClient.open(`${socketUrl}?symbol=ETHUSDT&interval=5m`);
    const [source, workflows] = await Promise.all([minute.next(ofType('source')), minute.next(ofType('workflows'))]);
    expect(source).toEqual({ type: 'source', orchestrator: 'up', bus: 'up', live: { candles: true, trades: true, depth: true, workflows: [id] }, reason: null });
    expect(workflows.all).toBe(true);
    expect(workflows.workflows.find((w) => w.id === id)?.steps).toHaveLength(5);
    expect((await fiveMinutes.next(ofType('source'))).live).toEqual({ candles: false, trades: true, depth: true, workflows: [id] });

    // The open bar is only peeked at: its closing update then gives the reference RSI of the 31st close.
    const open = bar(30, { close: 3150, high: 3150.5, partial: true });
    await publish(platform.ports.bus, topicOf('ws_candles_1m'), [open]);
    const peeked = (await minute.next(ofType('candles'))).candles;
    expect(peeked).toEqual([{ ...open, rsi_14: peeked[0]!.rsi_14, vwap: vwapOf([...storedBars, open]) }]);
    const rsi = new Rsi(14);
    for (const stored of storedBars) rsi.next(stored.close);
    expect(peeked[0]!.rsi_14).toBe(rsi.next(3150));
    const closed = bar(30);
    await publish(platform.ports.bus, topicOf('ws_candles_1m'), [closed, bar(31)]);
    const [c30, c31] = (await minute.next(ofType('candles', (m) => m.candles.at(-1)!.open_time === bar(31).open_time))).candles;
    expect(c30).toEqual({ ...closed, rsi_14: c30!.rsi_14, vwap: vwapOf([...storedBars, closed]) });
    expect(c30!.rsi_14).toBeCloseTo(37.3228, 4);
    expect(c31!.rsi_14).toBeCloseTo(33.0905, 4);

    const trades: Trade[] = [1001, 1002].map((agg) => ({
      kind: 'trade',
      symbol: 'ETHUSDT',
      agg_id: agg,
      price: 3039.4,
      qty: 0.25,
      first_id: agg * 5,
      last_id: agg * 5,
      time: DAY + 31 * MINUTE + agg,
      buyer_maker: agg % 2 === 0,
    }));
    await publish(platform.ports.bus, topicOf('ws_trades'), trades);
    expect((await minute.next(ofType('trades'))).trades).toEqual(trades);
    expect((await fiveMinutes.next(ofType('trades'))).trades).toEqual(trades);
    const book: Book = {
      kind: 'book',
      symbol: 'ETHUSDT',
      update_id: 7,
      event_time: DAY + 31 * MINUTE,
      bids: [
        [3039.3, 1.5],
        [3039.2, 2],
      ],
      asks: [
        [3039.5, 0.7],
        [3039.6, 3],
      ],
    };
    await publish(platform.ports.bus, topicOf('ws_depth'), [book]);
    expect((await minute.next(ofType('books'))).books).toEqual([book]);
    expect((await fiveMinutes.next(ofType('books'))).books).toEqual([book]);
    // A page on 5m never gets the 1m candles; a warm-up candle only feeds the indicators.
    expect(fiveMinutes.messages.filter((m) => m.type === 'candles')).toEqual([]);
    await publish(platform.ports.bus, topicOf('ws_candles_1m'), [bar(32, { warmup: true })]);
    await publish(platform.ports.bus, topicOf('ws_trades'), [{ ...trades[0]!, agg_id: 1003 }]);
    await minute.next(ofType('trades', (m) => m.trades[0]!.agg_id === 1003));
    expect(minute.messages.filter((m) => m.type === 'candles').flatMap((m) => m.candles.map((c) => c.open_time))).toEqual([30, 30, 31].map((i) => DAY + i * MINUTE));

    // A page that opens now is shown the open bar, the tape and the recent depth at once.
    const late = await PageClient.open(`${socketUrl}?symbol=ETHUSDT&interval=1m`);
    expect((await late.next(ofType('candles'))).candles).toEqual([c31]);
    expect((await late.next(ofType('trades'))).trades.map((t) => t.agg_id)).toEqual([1001, 1002, 1003]);
    expect((await late.next(ofType('books'))).books).toEqual([book]);

    const metrics = await (await fetch(`${platform.visualizerUrl}/metrics`)).text();
    expect(metrics).toContain('streamforge_visualizer_clients 3');
    expect(metrics).toContain('streamforge_visualizer_records_relayed_total{kind="candle"} 4');
    expect(metrics).toContain('streamforge_visualizer_records_relayed_total{kind="trade"} 9');
    expect(metrics).toContain('streamforge_visualizer_records_relayed_total{kind="book"} 3');
    late.close();

    // The workflow ends: its streams close, and the pages hear there is nothing live for the symbol.
    const seen = minute.messages.length;
    expect((await api(platform, `/workflows/${id}/cancel`, { method: 'POST' })).status).toBe(200);
    expect(
      await minute.next(
        ofType('source', (m) => !m.live.trades),
        seen,
      ),
    ).toMatchObject({ orchestrator: 'up', live: { candles: false, trades: false, depth: false, workflows: [] } });
    await minute.next(
      ofType('workflows', (m) => m.workflows.some((w) => w.id === id && w.status === 'cancelled')),
      seen,
    );
    await until('the visualizer left the live topics', async () => (await get('/api/symbols')).body.symbols[0].live.trades === false);
    minute.close();
    fiveMinutes.close();
  });
});

const pick = (c: Candle) => ({ open_time: c.open_time, open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume });
