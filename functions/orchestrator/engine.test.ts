// The workflow engine on its own: steps that no function takes or whose function goes silent fail
// with the reason (nothing waits forever); ended workflows lose their data topics after the grace period;
// retries reported by a function show on the step.
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { type QueueEvent, eventsTopic } from '../../shared/contracts/events.ts';
import { workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { publish } from '../../shared/harness/publish.ts';
import { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { silentLogger } from '../../shared/logger.ts';
import { until } from '../../test/helpers.ts';
import { type EngineOptions, WorkflowEngine } from './engine.ts';

const request = workflowRequestSchema.parse({ symbols: ['BTCUSDT'], types: ['api_trades'], time_range: '2024-08-01:2024-08-02' });

async function engine(options: Partial<EngineOptions> = {}) {
  const bus = new MemoryBus();
  const store = new SqliteStore(':memory:');
  const started = new WorkflowEngine({ bus, store, logger: silentLogger, instrumentation: new Instrumentation(), image: (t) => `test/${t}`, checkEveryMs: 20, ...options });
  await started.start();
  return { engine: started, bus };
}

function report(
  step: { queue_id: string; telemetry_id: string; symbol: string; type: QueueEvent['type'] },
  status: QueueEvent['status'],
  extra: Partial<QueueEvent> = {},
): QueueEvent {
  return {
    queue_id: step.queue_id,
    producer: step.telemetry_id,
    symbol: step.symbol,
    type: step.type,
    status,
    message: status,
    records_written: 0,
    finished: false,
    timestamp: Date.now() / 1000,
    ...extra,
  };
}

describe('workflow engine', () => {
  it('fails a step no function takes within the start timeout, naming the function, and its workflow with it', async () => {
    const { engine: e } = await engine({ startTimeoutMs: 300, silenceTimeoutMs: 60_000 });
    const created = await e.create(request);
    await until('the workflow to fail', async () => (await e.get(created.id))!.status === 'failed', 5000);
    const workflow = (await e.get(created.id))!;
    expect(workflow.reason).toMatch(
      /^(loader-producer|arango-connector) BTCUSDT api_trades: no (loader-producer|arango-connector) instance took the step within 300 ms \(is \1 deployed and able to start\?\)$/,
    );
    expect(workflow.steps.map((s) => s.status).sort()).toEqual(['cancelled', 'failed']);
    await e.stop();
  });

  it('fails a started step whose function then goes silent past the silence timeout', async () => {
    const { engine: e, bus } = await engine({ startTimeoutMs: 60_000, silenceTimeoutMs: 400 });
    const created = await e.create(request);
    const [loader, persister] = created.steps;
    // The persister keeps reporting; the loader says it started, then nothing more.
    await publish(bus, eventsTopic, [report(loader!, 'started')]);
    const beat = setInterval(() => void publish(bus, eventsTopic, [report(persister!, 'loading')]), 50);
    try {
      await until('the workflow to fail', async () => (await e.get(created.id))!.status === 'failed', 5000);
    } finally {
      clearInterval(beat);
    }
    const workflow = (await e.get(created.id))!;
    expect(workflow.steps.find((s) => s.target === 'loader-producer')).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/^loader-producer went silent: no report for \d+ ms \(limit 400 ms\); last: started$/),
    });
    expect(workflow.steps.find((s) => s.target === 'arango-connector')!.status).toBe('cancelled');
    expect(workflow.reason).toMatch(/^loader-producer BTCUSDT api_trades: loader-producer went silent/);
    await e.stop();
  });

  it('keeps a step that reports every so often running', async () => {
    const { engine: e, bus } = await engine({ startTimeoutMs: 60_000, silenceTimeoutMs: 300 });
    const created = await e.create(request);
    const beat = setInterval(
      () =>
        void publish(
          bus,
          eventsTopic,
          created.steps.map((s) => report(s, 'loading')),
        ),
      50,
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
    clearInterval(beat);
    expect((await e.get(created.id))!.status).toBe('running');
    await e.stop();
  });

  it("shows a function's retries on the step: attempt, last error and when the next attempt starts", async () => {
    const { engine: e, bus } = await engine();
    const created = await e.create(request);
    const loader = created.steps[0]!;
    const retryAt = Date.UTC(2026, 0, 1, 12, 0, 5) / 1000;
    const changes: unknown[] = [];
    e.onChange((change) => changes.push(change.steps.map((s) => s.retry)));
    await publish(bus, eventsTopic, [report(loader, 'started'), report(loader, 'retrying', { message: 'HTTP 500 from the exchange', attempt: 2, retry_at: retryAt })]);
    await until('the retry to show', async () => (await e.get(created.id))!.steps[0]!.retry !== null);
    const step = (await e.get(created.id))!.steps[0]!;
    expect(step.retry).toEqual({ attempt: 2, error: 'HTTP 500 from the exchange', next_at: '2026-01-01T12:00:05.000Z' });
    expect(step.message).toBe('attempt 2 failed: HTTP 500 from the exchange; next attempt at 2026-01-01T12:00:05.000Z');
    expect(changes).toContainEqual([{ attempt: 2, error: 'HTTP 500 from the exchange', next_at: '2026-01-01T12:00:05.000Z' }]);
    await publish(bus, eventsTopic, [report(loader, 'loading', { message: 'Loaded 1000 records', records_written: 1000 })]);
    await until('the next attempt to clear next_at', async () => (await e.get(created.id))!.steps[0]!.retry?.next_at === null);
    await e.stop();
  });

  it('deletes the data topics of an ended workflow once its grace period is over', async () => {
    const { engine: e, bus } = await engine({ dataTopicGraceMs: 300 });
    const created = await e.create(request);
    const topic = created.steps[0]!.kafka_topic;
    expect(await bus.listTopics()).toContain(topic);
    await e.cancel(created.id);
    expect((await e.get(created.id))!.data_topics).toEqual({ delete_after: expect.any(String), deleted: false });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await bus.listTopics()).toContain(topic);
    await until('the data topic to be deleted', async () => !(await bus.listTopics()).includes(topic), 5000);
    expect((await e.get(created.id))!.data_topics.deleted).toBe(true);
    await e.stop();
  });
});
