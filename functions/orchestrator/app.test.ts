// The orchestrator API through app.request(): validation names the field, creates nothing, and ids resolve.
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { controlCommandSchema, controlTopicFor } from '../../shared/contracts/control.ts';
import { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { silentLogger } from '../../shared/logger.ts';
import { createOrchestrator, type Orchestrator } from './index.ts';
import { take } from '../../test/contracts/bus.contract.ts';

const good = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };

describe('orchestrator API', () => {
  let orchestrator: Orchestrator;
  let bus: MemoryBus;
  beforeEach(() => {
    bus = new MemoryBus();
    orchestrator = createOrchestrator(
      { bus, store: new SqliteStore(':memory:'), logger: silentLogger, instrumentation: new Instrumentation() },
      { image: (t) => `streamforge/${t}:test`, knownSymbols: async () => new Set(['BTCUSDT', 'ETHUSDT', 'SOLUSDT']) },
    );
  });

  const post = (body: unknown) =>
    orchestrator.app.request('/workflows', { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } });

  it('accepts a workflow, plans one step per symbol, type and function, and emits the seed-format commands', async () => {
    const response = await post(good);
    expect(response.status).toBe(202);
    const { id, status } = (await response.json()) as { id: string; status: string };
    expect(status).toBe('running');
    expect(response.headers.get('location')).toBe(`/workflows/${id}`);
    const workflow = (await (await orchestrator.app.request(`/workflows/${id}`)).json()) as any;
    expect(workflow.steps).toHaveLength(8);
    const suffix = id.split('-').at(-1);
    const loaderStep = workflow.steps.find((s: any) => s.symbol === 'BTCUSDT' && s.type === 'api_candles_5m' && s.target === 'loader-producer');
    expect(loaderStep).toMatchObject({
      queue_id: `wf-btcusdt-api_candles_5m-20240801-${suffix}`,
      kafka_topic: `wf-btcusdt-api_candles_5m-20240801-${suffix}-data`,
      collection_name: 'btcusdt_api_candles_5m_2024_08_01',
      telemetry_id: `loader-producer__${suffix}`,
      status: 'running',
    });
    const sub = bus.subscribe({ group: 'inspect', topics: [controlTopicFor('loader-producer')] });
    const commands = (await take(sub, 4)).map((r) => controlCommandSchema.parse(JSON.parse(r.value)));
    await sub.close();
    expect(commands.map((c) => `${c.symbol}/${c.type}`).sort()).toEqual(['BTCUSDT/api_candles_5m', 'BTCUSDT/api_trades', 'ETHUSDT/api_candles_5m', 'ETHUSDT/api_trades']);
    expect(commands[0]).toMatchObject({ command: 'start', target: 'loader-producer', time_range: '2024-08-01:2024-08-02', image: 'streamforge/loader-producer:test' });
  });

  it.each([
    ['unknown symbol', { ...good, symbols: ['BTCUSDT', 'FOOUSDT'] }, 'symbols[1]', /unknown symbol FOOUSDT/],
    ['lower-case symbol', { ...good, symbols: ['btcusdt'] }, 'symbols[0]', /upper-case/],
    ['empty symbols', { ...good, symbols: [] }, 'symbols', /at least one symbol/],
    ['unknown type', { ...good, types: ['api_candles_5m', 'api_candles_7m'] }, 'types[1]', /must be api_candles_<interval>/],
    ['live type not yet available', { ...good, types: ['ws_depth'] }, 'types[0]', /not available yet/],
    ['reversed time range', { ...good, time_range: '2024-08-02:2024-08-01' }, 'time_range', /must be after start/],
    ['empty time range', { ...good, time_range: '2024-08-01:2024-08-01' }, 'time_range', /must be after start/],
    ['malformed time range', { ...good, time_range: '2024/08/01-2024/08/02' }, 'time_range', /<start date>:<end date>/],
    ['impossible date', { ...good, time_range: '2024-02-30:2024-03-01' }, 'time_range', /not a valid YYYY-MM-DD date/],
    ['range in the future', { ...good, time_range: '2099-01-01:2099-01-02' }, 'time_range', /starts in the future \(2099-01-01\)/],
    ['missing field', { symbols: ['BTCUSDT'], types: ['api_trades'] }, 'time_range', /expected string/],
    ['unexpected field', { ...good, sneaky: true }, 'sneaky', /Unrecognized key/],
    ['not JSON', '{"symbols": [', 'body', /JSON object/],
  ])('rejects %s with 400 naming the field, and creates nothing', async (_name, body, field, message) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    const error = (await response.json()) as { error: string; field: string };
    expect(error.field).toBe(field);
    expect(error.error).toMatch(message);
    const list = (await (await orchestrator.app.request('/workflows')).json()) as { workflows: unknown[] };
    expect(list.workflows).toEqual([]);
  });

  it('refuses a 10 MB body with 413 before reading it all', async () => {
    const huge = JSON.stringify({ ...good, padding: 'x'.repeat(10 * 1024 * 1024) });
    const response = await post(huge);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: string }).error).toMatch(/too large/);
  });

  it('answers 404 for unknown workflows and 409 when cancelling an ended one', async () => {
    expect((await orchestrator.app.request('/workflows/wf-nope')).status).toBe(404);
    expect((await orchestrator.app.request('/workflows/wf-nope/cancel', { method: 'POST' })).status).toBe(404);
    const { id } = (await (await post(good)).json()) as { id: string };
    const cancelled = await orchestrator.app.request(`/workflows/${id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { status: string }).status).toBe('cancelled');
    const again = await orchestrator.app.request(`/workflows/${id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('validates read queries and names the parameter', async () => {
    const bad = await orchestrator.app.request('/candles?symbol=BTCUSDT&interval=7m&from=0&to=10');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('interval');
    const reversed = await orchestrator.app.request('/trades?symbol=BTCUSDT&from=2024-08-02&to=2024-08-01');
    expect(((await reversed.json()) as { field: string }).field).toBe('to');
    const notATime = await orchestrator.app.request('/trades?symbol=BTCUSDT&from=yesterday&to=2024-08-01');
    expect(((await notATime.json()) as { error: string }).error).toMatch(/^from: must be epoch milliseconds or an ISO-8601 time/);
    const empty = await orchestrator.app.request('/candles?symbol=BTCUSDT&interval=5m&from=2024-08-01T00:00:00Z&to=1722556800000');
    expect(await empty.json()).toMatchObject({ count: 0, candles: [], from: 1722470400000, to: 1722556800000 });
  });

  it('describes itself in OpenAPI', async () => {
    const doc = (await (await orchestrator.app.request('/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/workflows', '/workflows/{id}', '/workflows/{id}/cancel', '/candles', '/trades', '/ws']));
    expect(doc.paths['/workflows'].post.requestBody.content['application/json'].schema.required).toEqual(['symbols', 'types', 'time_range']);
  });
});
