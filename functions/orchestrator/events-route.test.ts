// GET /workflows/:id/events through app.request(): the timeline in order, paged by ?after= and ?limit=
// with a next link, a 400 naming the parameter, a 404 naming the workflow, answers as the OpenAPI says.
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../test/orchestrator.ts';
import type { QueueEvent } from '../../shared/contracts/events.ts';
import type { TimelineEntry } from '../../shared/contracts/timeline.ts';
import { type Step, workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { silentLogger } from '../../shared/logger.ts';
import { openApiChecker } from '../../test/openapi.ts';
import { createOrchestratorApp } from './app.ts';

interface Page {
  workflow_id: string;
  count: number;
  entries: TimelineEntry[];
  cursor: number;
  next: string | null;
  partial: boolean;
}

const at = Date.UTC(2024, 8, 1, 12) / 1000;
const report = (step: Step, status: QueueEvent['status'], records: number, message: string): QueueEvent => ({
  queue_id: step.queue_id,
  producer: step.telemetry_id,
  symbol: step.symbol,
  type: step.type,
  status,
  message,
  records_written: records,
  finished: status === 'error',
  timestamp: at + records,
});

/** A workflow whose loader reported, retried and failed: nine entries. */
async function failedWorkflow() {
  const { engine, store } = await startEngine({ eventsFrom: 'cloudevents' });
  const app = createOrchestratorApp({ engine, store, logger: silentLogger });
  const workflow = await engine.create(workflowRequestSchema.parse({ symbols: ['ETHUSDT'], types: ['api_trades'], time_range: '2024-08-01:2024-08-02' }));
  const loader = workflow.steps[0]!;
  const reports = [
    report(loader, 'started', 0, 'loader-producer started'),
    report(loader, 'loading', 1000, 'Loaded 1000 records'),
    { ...report(loader, 'retrying', 1000, 'HTTP 500 from the exchange'), attempt: 1, retry_at: at + 1001 },
    report(loader, 'error', 3000, 'Binance error -1100: Illegal characters'),
  ];
  for (const [i, event] of reports.entries()) await engine.receive(`delivery-${i}`, event);
  return { app, engine, workflow };
}

const get = async (app: { request(path: string): Response | Promise<Response> }, path: string) => {
  const response = await app.request(path);
  return { status: response.status, body: (await response.json()) as Page & { error: string; field: string }, link: response.headers.get('link') };
};

describe('GET /workflows/:id/events', () => {
  it('answers the whole timeline in order: decisions and reports, with steps, records, retries and reasons', async () => {
    const { app, engine, workflow } = await failedWorkflow();
    const { status, body, link } = await get(app, `/workflows/${workflow.id}/events`);
    expect(status).toBe(200);
    expect(link).toBeNull();
    expect(body).toMatchObject({ workflow_id: workflow.id, count: 9, cursor: 9, next: null, partial: false });
    expect(body.entries.map((e) => [e.seq, e.source, e.kind, e.target ?? null, e.records_written ?? null])).toEqual([
      [1, 'orchestrator', 'workflow_created', null, null],
      [2, 'orchestrator', 'dispatched', 'loader-producer', 0],
      [3, 'orchestrator', 'dispatched', 'arango-connector', 0],
      [4, 'function', 'started', 'loader-producer', 0],
      [5, 'function', 'loading', 'loader-producer', 1000],
      [6, 'function', 'retrying', 'loader-producer', 1000],
      [7, 'function', 'error', 'loader-producer', 3000],
      [8, 'orchestrator', 'stop_sent', 'arango-connector', 0],
      [9, 'orchestrator', 'workflow_failed', null, null],
    ]);
    const loader = workflow.steps[0]!;
    expect(body.entries[5]).toEqual({
      seq: 6,
      time: new Date((at + 1000) * 1000).toISOString(),
      source: 'function',
      kind: 'retrying',
      queue_id: loader.queue_id,
      target: 'loader-producer',
      symbol: 'ETHUSDT',
      type: 'api_trades',
      message: 'HTTP 500 from the exchange',
      records_written: 1000,
      attempt: 1,
      retry_at: new Date((at + 1001) * 1000).toISOString(),
    });
    expect(body.entries[8]!.message).toBe('loader-producer ETHUSDT api_trades: Binance error -1100: Illegal characters');
    expect((await engine.get(workflow.id))!.reason).toBe(body.entries[8]!.message);
    await engine.stop();
  });

  it('pages with ?limit= and ?after=, following next links to the same entries, each once', async () => {
    const { app, engine, workflow } = await failedWorkflow();
    const all = (await get(app, `/workflows/${workflow.id}/events`)).body.entries;
    const seen: TimelineEntry[] = [];
    const pages: [number, number, string | null][] = [];
    let path: string | null = `/workflows/${workflow.id}/events?limit=4`;
    while (path) {
      const { status, body, link } = await get(app, path);
      expect(status).toBe(200);
      expect(link).toBe(body.next ? `<${body.next}>; rel="next"` : null);
      pages.push([body.count, body.cursor, body.next]);
      seen.push(...body.entries);
      path = body.next;
    }
    expect(pages).toEqual([
      [4, 4, `/workflows/${workflow.id}/events?limit=4&after=4`],
      [4, 8, `/workflows/${workflow.id}/events?limit=4&after=8`],
      [1, 9, null],
    ]);
    expect(seen).toEqual(all);
    const after = await get(app, `/workflows/${workflow.id}/events?after=6&limit=2`);
    expect(after.body.entries.map((e) => e.seq)).toEqual([7, 8]);
    expect(after.body).toMatchObject({ partial: true, cursor: 8 });
    // Past the end: nothing yet, and the cursor to ask again with.
    const end = await get(app, `/workflows/${workflow.id}/events?after=9`);
    expect(end.body).toEqual({ workflow_id: workflow.id, count: 0, entries: [], cursor: 9, next: null, partial: false });
    await engine.stop();
  });

  it.each([
    ['after=abc', 'after', 'after: must be the seq of an entry (a whole number, 0 or more, written in digits), not "abc"'],
    ['after=-1', 'after', 'after: must be the seq of an entry (a whole number, 0 or more, written in digits), not "-1"'],
    ['limit=0', 'limit', 'limit: must be from 1 to 5000, not 0'],
    ['limit=5001', 'limit', 'limit: must be from 1 to 5000, not 5001'],
    ['limit=ten', 'limit', 'limit: must be a whole number from 1 to 5000 written in digits, not "ten"'],
    ['from=1', 'from', 'from: Unrecognized key: "from"'],
  ])('refuses ?%s with a 400 naming %s', async (query, field, error) => {
    const { app, engine, workflow } = await failedWorkflow();
    const { status, body } = await get(app, `/workflows/${workflow.id}/events?${query}`);
    expect(status).toBe(400);
    expect(body).toEqual({ error, field });
    await engine.stop();
  });

  it('answers 404 naming an unknown workflow, and every answer matches the OpenAPI document', async () => {
    const { app, engine, workflow } = await failedWorkflow();
    const missing = await get(app, '/workflows/wf-20240801-000000/events');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'no workflow wf-20240801-000000', field: 'id' });
    const { doc, check } = await openApiChecker(app);
    expect(doc.paths['/workflows/{id}/events']?.get).toBeDefined();
    const route = '/workflows/{id}/events';
    for (const path of [`/workflows/${workflow.id}/events?limit=2`, `/workflows/${workflow.id}/events?after=x`, '/workflows/wf-nope/events']) {
      await check('get', path, route, await app.request(path));
    }
    await engine.stop();
  });
});
