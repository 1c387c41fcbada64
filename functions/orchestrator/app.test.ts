// The orchestrator API through app.request(): validation names the field, creates nothing, ids resolve,
// and every answer matches the OpenAPI document generated from the same schemas.
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { controlCommandSchema, controlTopicFor } from '../../shared/contracts/control.ts';
import { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { silentLogger } from '../../shared/logger.ts';
import { take } from '../../test/contracts/bus.contract.ts';
import { openApiChecker } from '../../test/openapi.ts';
import { createOrchestratorApp } from './app.ts';
import { WorkflowEngine } from './engine.ts';
import type { ExchangeCatalog } from './exchange-catalog.ts';

const good = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };
const LISTED = Date.UTC(2017, 7, 17);
const catalog: ExchangeCatalog = {
  symbols: async () => new Set(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']),
  firstDay: async (symbol) => (symbol === 'SOLUSDT' ? Date.UTC(2020, 7, 11) : LISTED),
};

describe('orchestrator API', () => {
  let app: ReturnType<typeof createOrchestratorApp>;
  let bus: MemoryBus;
  let store: SqliteStore;
  beforeEach(() => {
    bus = new MemoryBus();
    store = new SqliteStore(':memory:');
    const engine = new WorkflowEngine({ bus, store, logger: silentLogger, instrumentation: new Instrumentation(), image: (t) => `streamforge/${t}:test` });
    app = createOrchestratorApp({ engine, store, logger: silentLogger, catalog, maxWorkflowSize: 40 });
  });
  const post = (body: unknown, contentType: string | null = 'application/json') => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    // Bytes, not a string: a string body would get a text/plain content type by default.
    return app.request('/workflows', { method: 'POST', body: new TextEncoder().encode(text), headers: contentType ? { 'content-type': contentType } : {} });
  };
  const listed = async () => ((await (await app.request('/workflows')).json()) as { workflows: unknown[] }).workflows;

  it('accepts a workflow, plans one step per symbol, type and function, and emits the seed-format commands', async () => {
    const response = await post(good);
    expect(response.status).toBe(202);
    const { id, status } = (await response.json()) as { id: string; status: string };
    expect(status).toBe('running');
    expect(response.headers.get('location')).toBe(`/workflows/${id}`);
    const workflow = (await (await app.request(`/workflows/${id}`)).json()) as { steps: Record<string, unknown>[]; request: unknown };
    expect(workflow.request).toEqual(good);
    expect(workflow.steps).toHaveLength(8);
    const suffix = id.split('-').at(-1);
    expect(workflow.steps.find((s) => s.symbol === 'BTCUSDT' && s.type === 'api_candles_5m' && s.target === 'loader-producer')).toMatchObject({
      queue_id: `wf-btcusdt-api_candles_5m-20240801-${suffix}`,
      kafka_topic: `wf-btcusdt-api_candles_5m-20240801-${suffix}-data`,
      collection_name: 'btcusdt_api_candles_5m_2024_08_01',
      telemetry_id: `loader-producer__${suffix}`,
      status: 'running',
      retry: null,
    });
    const sub = bus.subscribe({ group: 'inspect', topics: [controlTopicFor('loader-producer').name] });
    const commands = (await take(sub, 4)).map((r) => z.encode(controlCommandSchema, controlCommandSchema.parse(JSON.parse(r.value))));
    await sub.close();
    expect(commands.map((c) => `${c.symbol}/${c.type}`).sort()).toEqual(['BTCUSDT/api_candles_5m', 'BTCUSDT/api_trades', 'ETHUSDT/api_candles_5m', 'ETHUSDT/api_trades']);
    expect(commands[0]).toMatchObject({ command: 'start', target: 'loader-producer', time_range: '2024-08-01:2024-08-02', image: 'streamforge/loader-producer:test' });
  });

  it.each([
    [
      'a repeated symbol',
      { symbols: ['BTCUSDT', 'BTCUSDT'], types: ['api_trades'], time_range: '2024-08-03:2024-08-04' },
      'symbols[1]',
      'symbols[1]: BTCUSDT is listed twice (also symbols[0]); list each once',
    ],
    ['a repeated type', { ...good, types: ['api_trades', 'api_candles_5m', 'api_trades'] }, 'types[2]', 'types[2]: api_trades is listed twice (also types[0]); list each once'],
    ['unknown symbol', { ...good, symbols: ['BTCUSDT', 'FOOUSDT'] }, 'symbols[1]', 'symbols[1]: unknown symbol FOOUSDT on the exchange'],
    ['lower-case symbol', { ...good, symbols: ['btcusdt'] }, 'symbols[0]', /upper-case/],
    ['empty symbols', { ...good, symbols: [] }, 'symbols', /at least one symbol/],
    ['unknown type', { ...good, types: ['api_candles_5m', 'api_candles_7m'] }, 'types[1]', /must be api_candles_<interval>/],
    [
      'a live stream over a past range',
      { ...good, types: ['api_trades', 'ws_depth'] },
      'time_range',
      'time_range: ends 2024-08-02, already past; ws_depth streams live until the range ends, so the range must include today',
    ],
    ['reversed time range', { ...good, time_range: '2024-08-02:2024-08-01' }, 'time_range', /must be after start/],
    ['empty time range', { ...good, time_range: '2024-08-01:2024-08-01' }, 'time_range', /must be after start/],
    ['malformed time range', { ...good, time_range: '2024/08/01-2024/08/02' }, 'time_range', /<start date>:<end date>/],
    ['impossible date', { ...good, time_range: '2024-02-30:2024-03-01' }, 'time_range', /not a valid YYYY-MM-DD date/],
    ['range in the future', { ...good, time_range: '2099-01-01:2099-01-02' }, 'time_range', /starts in the future \(2099-01-01\)/],
    [
      'range before the exchange has data',
      { ...good, time_range: '1970-01-01:1970-01-02' },
      'time_range',
      'time_range: BTCUSDT has no data before 2017-08-17, its first day on the exchange; start the range on or after it',
    ],
    [
      'range before one symbol was listed',
      { ...good, symbols: ['BTCUSDT', 'SOLUSDT'], time_range: '2020-08-10:2020-08-12' },
      'time_range',
      /SOLUSDT has no data before 2020-08-11/,
    ],
    [
      'workflow over the cap',
      { ...good, time_range: '2024-08-01:2024-08-12' },
      'body',
      'body: workflow too large: 2 symbols × 11 days × 2 types = 44, over the cap of 40 symbol-days-types (WORKFLOW_MAX_SIZE); split it into smaller workflows',
    ],
    [
      'train without a candle type',
      { ...good, types: ['api_trades'], pipeline: ['graph', 'train'] },
      'types',
      'types: the pipeline ("graph", "train") reads stored candles: list exactly one history candle type such as api_candles_5m; it lists none',
    ],
    [
      'a pipeline over one symbol',
      { ...good, symbols: ['BTCUSDT'], pipeline: ['graph', 'train'] },
      'symbols',
      'symbols: the pipeline ("graph", "train") builds a graph between symbols: list at least two, not 1',
    ],
    [
      'a range too short to train on',
      { ...good, pipeline: ['graph', 'train'] },
      'time_range',
      'time_range: 288 bars of 5m give 12 windows of 24 bars every 24; training with a 70/15/15 time split needs at least 15: widen the range or shorten the windows (options.graph)',
    ],
    ['train without graph before it', { ...good, pipeline: ['train'] }, 'pipeline[0]', 'pipeline[0]: "train" needs "graph" before it'],
    [
      'a backtest over fewer bars than one walk-forward fold',
      { ...good, symbols: ['BTCUSDT'], pipeline: ['backtest'] },
      'time_range',
      'time_range: 288 bars of 5m are fewer than the minimum of 2592 that one walk-forward fold needs (train_bars 2016 + test_bars 576): widen the range or shorten options.walk_forward',
    ],
    [
      'stages out of order',
      { ...good, pipeline: ['backtest', 'rl_train'] },
      'pipeline[1]',
      'pipeline[1]: "rl_train" must come before "backtest": stages run in the order graph, train, rl_train, backtest',
    ],
    [
      'a slow average longer than the training period',
      { ...good, pipeline: ['backtest'], options: { walk_forward: { train_bars: 100, test_bars: 50 } } },
      'options.backtest.sma_slow',
      'options.backtest.sma_slow: a slow average of 192 bars cannot be fitted on training periods of 100 bars; the minimum train_bars is 193',
    ],
    [
      'an episode longer than the training period',
      { ...good, pipeline: ['rl_train'], options: { walk_forward: { train_bars: 200, test_bars: 50 } } },
      'options.rl_train.episode_bars',
      'options.rl_train.episode_bars: an episode of 256 bars after 32 bars of observation warm-up needs training periods of at least 288 bars, not 200',
    ],
    ['an unknown stage', { ...good, pipeline: ['graph', 'forecast'] }, 'pipeline[1]', /pipeline\[1\]: .*"graph"\|"train"/],
    [
      'a window the stride does not divide',
      { ...good, pipeline: ['graph'], options: { graph: { window_bars: 24, stride_bars: 10 } } },
      'options.graph.stride_bars',
      /must divide window_bars/,
    ],
    ['missing field', { symbols: ['BTCUSDT'], types: ['api_trades'] }, 'time_range', /expected string/],
    ['unexpected field', { ...good, sneaky: true }, 'sneaky', /Unrecognized key/],
    ['not JSON', '{"symbols": [', 'body', 'body: must be a JSON object'],
  ])('rejects %s with 400 naming the field, and creates nothing', async (_name, body, field, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { error: string; field: string };
    expect(error.field).toBe(field);
    if (typeof message === 'string') expect(error.error).toBe(message);
    else expect(error.error).toMatch(message);
    expect(await listed()).toEqual([]);
    expect(await bus.listTopics()).toEqual([]);
  });

  it.each([
    ['text/plain', 'content-type: POST /workflows takes application/json, not "text/plain"'],
    ['application/x-www-form-urlencoded', 'content-type: POST /workflows takes application/json, not "application/x-www-form-urlencoded"'],
    [null, 'content-type: POST /workflows takes application/json, not a body without a content type'],
  ])('answers 415 to a body sent as %s, and creates nothing', async (type, message) => {
    const response = await post(good, type);
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: message, field: 'content-type' });
    expect(await listed()).toEqual([]);
  });

  it('accepts application/json with a charset', async () => {
    expect((await post(good, 'application/json; charset=utf-8')).status).toBe(202);
  });

  it('refuses a 10 MB body with 413 before reading it all', async () => {
    const huge = JSON.stringify({ ...good, padding: 'x'.repeat(10 * 1024 * 1024) });
    const response = await post(huge);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toBe('request body too large (limit 65536 bytes)');
  });

  it('answers 404 for unknown workflows and 409 when cancelling an ended one', async () => {
    expect((await app.request('/workflows/wf-nope')).status).toBe(404);
    expect(await (await app.request('/workflows/wf-nope/cancel', { method: 'POST' })).json()).toEqual({ error: 'no workflow wf-nope', field: 'id' });
    const { id } = (await (await post(good)).json()) as { id: string };
    const cancelled = await app.request(`/workflows/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    const again = await app.request(`/workflows/${id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: `workflow ${id} already cancelled` });
  });

  it('filters the list by ?status= and limits it', async () => {
    const ids: string[] = [];
    for (const time_range of ['2024-08-01:2024-08-02', '2024-08-02:2024-08-03', '2024-08-03:2024-08-04'])
      ids.push(((await (await post({ ...good, time_range })).json()) as { id: string }).id);
    await app.request(`/workflows/${ids[1]}/cancel`, { method: 'POST' });
    const list = async (query: string) => ((await (await app.request(`/workflows${query}`)).json()) as { workflows: { id: string; status: string }[] }).workflows;
    expect((await list('?status=cancelled')).map((w) => w.id)).toEqual([ids[1]]);
    expect((await list('?status=running')).map((w) => w.id).sort()).toEqual([ids[0], ids[2]].sort());
    expect(await list('?status=succeeded')).toEqual([]);
    expect(await list('?limit=1')).toHaveLength(1);
    const bad = await app.request('/workflows?status=done');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('status');
  });

  it.each([
    ['', 'limit: is empty; give a whole number from 1 to 10000, or leave it out for 1000'],
    ['1e3', 'limit: must be a whole number from 1 to 10000 written in digits, not "1e3"'],
    ['0', 'limit: must be from 1 to 10000, not 0'],
    ['10001', 'limit: must be from 1 to 10000, not 10001'],
    ['2.5', 'limit: must be a whole number from 1 to 10000 written in digits, not "2.5"'],
  ])('answers limit=%s clearly', async (limit, message) => {
    const response = await app.request(`/trades?symbol=BTCUSDT&from=0&to=10&limit=${limit}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: message, field: 'limit' });
  });

  it('validates read queries and names the parameter', async () => {
    const bad = await app.request('/candles?symbol=BTCUSDT&interval=7m&from=0&to=10');
    expect(((await bad.json()) as { field: string }).field).toBe('interval');
    const reversed = await app.request('/trades?symbol=BTCUSDT&from=2024-08-02&to=2024-08-01');
    expect(((await reversed.json()) as { field: string }).field).toBe('to');
    const notATime = await app.request('/trades?symbol=BTCUSDT&from=yesterday&to=2024-08-01');
    expect(((await notATime.json()) as { error: string }).error).toBe('from: must be epoch milliseconds or an ISO-8601 time');
    const badCursor = await app.request('/trades?symbol=BTCUSDT&from=0&to=10&cursor=abc');
    expect(await badCursor.json()).toEqual({ error: 'cursor: is not a cursor this API gave out; follow the `next` link of the previous page', field: 'cursor' });
    const empty = await app.request('/candles?symbol=BTCUSDT&interval=5m&from=2024-08-01T00:00:00Z&to=1722556800000');
    expect(await empty.json()).toEqual({ symbol: 'BTCUSDT', interval: '5m', from: 1722470400000, to: 1722556800000, count: 0, candles: [], next: null, partial: false });
  });

  it('answers, on every route, with bodies that match the OpenAPI document generated from the same schemas', async () => {
    const { doc, check } = await openApiChecker(app);
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/candles',
      '/events',
      '/livez',
      '/metrics',
      '/readyz',
      '/trades',
      '/workflows',
      '/workflows/{id}',
      '/workflows/{id}/cancel',
      '/workflows/{id}/events',
      '/ws',
    ]);
    await store.upsert('datasets', [
      {
        _key: 'btcusdt_api_trades_2024_08_01',
        symbol: 'BTCUSDT',
        type: 'api_trades',
        kind: 'trades',
        interval: null,
        from: 0,
        to: 100,
        updated_at: '2024-08-01T00:00:00.000Z',
        gaps: [],
      },
    ]);
    await store.upsert(
      'btcusdt_api_trades_2024_08_01',
      [1, 2, 3].map((i) => ({ _key: String(i), symbol: 'BTCUSDT', agg_id: i, price: 1, qty: 1, first_id: i, last_id: i, time: 10, buyer_maker: false })),
    );
    const accepted = (await check('post', '/workflows', '/workflows', await post(good))) as { id: string };
    await check('post', '/workflows', '/workflows', await post({ ...good, symbols: ['FOOUSDT'] }));
    await check('post', '/workflows', '/workflows', await post(good, 'text/plain'));
    await check('get', '/workflows', '/workflows', await app.request('/workflows'));
    await check('get', `/workflows/${accepted.id}`, '/workflows/{id}', await app.request(`/workflows/${accepted.id}`));
    await check('get', '/workflows/wf-nope', '/workflows/{id}', await app.request('/workflows/wf-nope'));
    await check('post', `/workflows/${accepted.id}/cancel`, '/workflows/{id}/cancel', await app.request(`/workflows/${accepted.id}/cancel`, { method: 'POST' }));
    await check('post', `/workflows/${accepted.id}/cancel`, '/workflows/{id}/cancel', await app.request(`/workflows/${accepted.id}/cancel`, { method: 'POST' }));
    const page = (await check('get', '/trades', '/trades', await app.request('/trades?symbol=BTCUSDT&from=0&to=100&limit=2'))) as { next: string };
    await check('get', page.next, '/trades', await app.request(page.next));
    await check('get', '/candles', '/candles', await app.request('/candles?symbol=BTCUSDT&interval=1m&from=0&to=100'));
    await check('get', '/candles', '/candles', await app.request('/candles?symbol=BTCUSDT&interval=1m&from=0&to=100&limit=1e3'));
    await check('get', '/ws', '/ws', await app.request('/ws'));
  });
});
