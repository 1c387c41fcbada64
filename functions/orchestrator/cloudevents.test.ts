// POST /events honours the sink contract of a Knative KafkaSource: the same event twice changes state
// once, a malformed one is a 400 naming what is wrong, a handling failure a 5xx so it comes again.
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../test/orchestrator.ts';
import { z } from 'zod';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { type QueueEvent, queueEventSchema } from '../../shared/contracts/events.ts';
import { workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { silentLogger } from '../../shared/logger.ts';
import type { Store } from '../../shared/ports/store.ts';
import { createOrchestratorApp } from './app.ts';

async function orchestrator(store: Store = new SqliteStore(':memory:')) {
  const { engine } = await startEngine({ store, eventsFrom: 'cloudevents' });
  const app = createOrchestratorApp({ engine, store, logger: silentLogger });
  const workflow = await engine.create(workflowRequestSchema.parse({ symbols: ['BTCUSDT'], types: ['api_trades'], time_range: '2024-08-01:2024-08-02' }));
  const loader = workflow.steps[0]!;
  const event = (status: QueueEvent['status'], records: number): unknown =>
    z.encode(queueEventSchema, {
      queue_id: loader.queue_id,
      producer: loader.telemetry_id,
      symbol: 'BTCUSDT',
      type: loader.type,
      status,
      message: `${records} records`,
      records_written: records,
      finished: status === 'finished',
      timestamp: Date.now() / 1000,
    });
  const binary = (id: string, data: unknown, headers: Record<string, string> = {}) =>
    app.request('/events', {
      method: 'POST',
      body: JSON.stringify(data),
      headers: {
        'content-type': 'application/json',
        'ce-specversion': '1.0',
        'ce-id': id,
        'ce-source': '/apis/v1/namespaces/streamforge/kafkasources/queue-events#queue-events',
        'ce-type': 'dev.knative.kafka.event',
        ...headers,
      },
    });
  return { engine, app, workflow, event, binary };
}

describe('POST /events (CloudEvents from a KafkaSource)', () => {
  it('applies an event once, however often it is delivered', async () => {
    const { engine, workflow, event, binary } = await orchestrator();
    const first = await binary('partition:0/offset:7', event('loading', 500));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ outcome: 'applied' });
    const after = (await engine.get(workflow.id))!;
    const again = await binary('partition:0/offset:7', event('loading', 500));
    expect(await again.json()).toEqual({ outcome: 'duplicate' });
    expect(await engine.get(workflow.id)).toEqual(after);
    expect(after.steps[0]).toMatchObject({ records_written: 500, message: '500 records' });
    await engine.stop();
  });

  it('takes structured mode too, and a later event moves the step on', async () => {
    const { engine, app, workflow, event } = await orchestrator();
    const structured = {
      specversion: '1.0',
      id: 'partition:1/offset:3',
      source: 'kafka',
      type: 'dev.knative.kafka.event',
      datacontenttype: 'application/json',
      data: event('finished', 28_800),
    };
    const response = await app.request('/events', { method: 'POST', body: JSON.stringify(structured), headers: { 'content-type': 'application/cloudevents+json' } });
    expect(await response.json()).toEqual({ outcome: 'applied' });
    expect((await engine.get(workflow.id))!.steps[0]).toMatchObject({ status: 'succeeded', records_written: 28_800 });
    await engine.stop();
  });

  it.each([
    ['no ce-id', { 'ce-id': '' }, 'ce-id', 'ce-id: must not be empty'],
    ['another spec version', { 'ce-specversion': '0.3' }, 'ce-specversion', 'ce-specversion: must be 1.0'],
  ])('refuses %s with 400 naming it', async (_name, headers, field, error) => {
    const { engine, event, binary } = await orchestrator();
    const response = await binary('x', event('loading', 1), headers);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error, field });
    await engine.stop();
  });

  it('refuses data that is not a queue event with 400 naming the field, and changes nothing', async () => {
    const { engine, workflow, binary } = await orchestrator();
    const before = await engine.get(workflow.id);
    const response = await binary('bad-1', { queue_id: 'wf-x', status: 'exploded' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { field: string; error: string }).error).toMatch(/^data: producer: /);
    const notJson = await (await orchestrator()).app.request('/events', {
      method: 'POST',
      body: '{oops',
      headers: { 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': '1', 'ce-source': 's', 'ce-type': 't' },
    });
    expect(notJson.status).toBe(400);
    expect(await engine.get(workflow.id)).toEqual(before);
    await engine.stop();
  });

  it('answers 5xx when the event cannot be applied now, and applies it when delivered again', async () => {
    const store = new SqliteStore(':memory:');
    const { engine, workflow, event, binary } = await orchestrator(store);
    const upsert = store.upsert.bind(store);
    let broken = true;
    store.upsert = async (collection, docs) => {
      if (broken && collection === 'workflows') throw new Error('store away');
      return upsert(collection, docs);
    };
    const failed = await binary('partition:0/offset:9', event('loading', 42));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: 'could not apply the event now: store away' });
    broken = false;
    const retried = await binary('partition:0/offset:9', event('loading', 42));
    expect(await retried.json()).toEqual({ outcome: 'applied' });
    expect((await engine.get(workflow.id))!.steps[0]!.records_written).toBe(42);
    await engine.stop();
  });
});
