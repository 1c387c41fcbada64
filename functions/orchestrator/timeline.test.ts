// The workflow timeline: entries numbered per workflow in the order they were taken, a report delivered
// twice kept once (also after a restart), and the orchestrator's own decisions — commands dispatched and
// stopped, a silent step timed out, a pod that failed, how the workflow ended — between the reports.
import { describe, expect, it } from 'vitest';
import { startEngine as startTestEngine } from '../../test/orchestrator.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { type QueueEvent, eventsTopic } from '../../shared/contracts/events.ts';
import type { TimelineEntry } from '../../shared/contracts/timeline.ts';
import { type Step, workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { publish } from '../../shared/harness/publish.ts';
import { until } from '../../test/helpers.ts';
import type { EngineOptions, WorkflowEngine } from './engine.ts';
import type { Launcher, PodReport } from './launcher.ts';
import { planWorkflow } from './plan.ts';
import { Timeline, decisionEntry, reportEntry } from './timeline.ts';

const request = workflowRequestSchema.parse({ symbols: ['BTCUSDT'], types: ['api_trades'], time_range: '2024-08-01:2024-08-02' });
const T0 = Date.UTC(2024, 8, 1, 12) / 1000;

function report(step: Step, status: QueueEvent['status'], records: number, extra: Partial<QueueEvent> = {}): QueueEvent {
  return {
    queue_id: step.queue_id,
    producer: step.telemetry_id,
    symbol: step.symbol,
    type: step.type,
    status,
    message: `${status} with ${records}`,
    records_written: records,
    finished: status === 'finished' || status === 'error' || status === 'cancelled',
    timestamp: T0 + records / 1000,
    ...extra,
  };
}

const startEngine = (options: Partial<EngineOptions> = {}) => startTestEngine({ checkEveryMs: 20, ...options });

async function timeline(engine: WorkflowEngine, id: string): Promise<TimelineEntry[]> {
  return (await engine.events(id, 0, 5000)).entries;
}

/** One line per entry, to compare a whole timeline at once. */
const brief = (e: TimelineEntry) => [e.seq, e.source, e.kind, e.target ?? '-', e.records_written ?? '-', e.message].join(' | ');

describe('Timeline (store)', () => {
  const entry = (message: string) => decisionEntry('workflow_created', message);

  it('numbers each workflow from 1 in the order appended, pages by seq, and continues after a restart', async () => {
    const store = new SqliteStore(':memory:');
    const first = new Timeline(store);
    for (const i of [1, 2, 3]) {
      await first.append('wf-a', entry(`a${i}`));
      await first.append('wf-b', entry(`b${i}`));
    }
    const a = await first.page('wf-a', 0, 10);
    expect(a.entries.map((e) => [e.seq, e.message])).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [3, 'a3'],
    ]);
    expect(a.more).toBe(false);
    const firstPage = await first.page('wf-b', 0, 2);
    expect(firstPage.entries.map((e) => e.message)).toEqual(['b1', 'b2']);
    expect(firstPage.more).toBe(true);
    const rest = await first.page('wf-b', 2, 2);
    expect(rest.entries.map((e) => [e.seq, e.message])).toEqual([[3, 'b3']]);
    expect(rest.more).toBe(false);
    expect((await first.page('wf-b', 3, 2)).entries).toEqual([]);
    expect((await first.page('wf-none', 0, 2)).entries).toEqual([]);

    // A new process on the same store takes the numbering up where the last one left it.
    const second = new Timeline(store);
    expect(await second.append('wf-a', entry('a4'))).toBe(true);
    expect((await second.page('wf-a', 3, 10)).entries.map((e) => [e.seq, e.message])).toEqual([[4, 'a4']]);
    expect(await store.count('workflow_timeline')).toBe(7);
  });

  it('keeps a report once however often it is appended, and concurrent appends get distinct numbers', async () => {
    const store = new SqliteStore(':memory:');
    const timelineStore = new Timeline(store);
    const workflow = planWorkflow(request, 'abc123', new Date());
    const loader = workflow.steps[0]!;
    const loading = report(loader, 'loading', 1000);
    const results = await Promise.all([
      timelineStore.appendReport(workflow.id, loading),
      timelineStore.appendReport(workflow.id, loading),
      timelineStore.appendReport(workflow.id, { ...loading }),
      timelineStore.appendReport(workflow.id, report(loader, 'loading', 2000)),
    ]);
    expect(results).toEqual([true, false, false, true]);
    // Another instance (a restart) recognises the same record too.
    expect(await new Timeline(store).appendReport(workflow.id, loading)).toBe(false);
    const entries = (await timelineStore.page(workflow.id, 0, 100)).entries;
    expect(entries).toEqual([
      {
        seq: 1,
        time: new Date(loading.timestamp * 1000).toISOString(),
        source: 'function',
        kind: 'loading',
        queue_id: loader.queue_id,
        target: 'loader-producer',
        symbol: 'BTCUSDT',
        type: 'api_trades',
        message: 'loading with 1000',
        records_written: 1000,
      },
      { seq: 2, ...reportEntry(report(loader, 'loading', 2000)) },
    ]);
    expect(await store.count('workflow_timeline')).toBe(2);
  });
});

describe('the engine keeps every report and decision of a workflow on its timeline', () => {
  it('records a failing workflow in order: created, dispatched, reports (a duplicate once), the error, the stop, the end, a late report', async () => {
    const { engine, bus } = await startEngine();
    const workflow = await engine.create(request);
    const [loader, persister] = workflow.steps as [Step, Step];
    const retryAt = T0 + 5;
    const loading2000 = report(loader, 'loading', 2000);
    await publish(bus, eventsTopic, [
      report(loader, 'started', 0),
      report(persister, 'started', 0),
      report(loader, 'loading', 1000),
      report(loader, 'retrying', 1000, { message: 'HTTP 500 from http://exchange/api/v3/aggTrades', attempt: 1, retry_at: retryAt }),
      loading2000,
      report(persister, 'loading', 1500),
      loading2000,
      report(loader, 'error', 2000, { message: 'Binance error -1100 from http://exchange/api/v3/aggTrades: Illegal characters' }),
    ]);
    await until('the workflow to fail', async () => (await engine.get(workflow.id))!.status === 'failed', 5000);
    await publish(bus, eventsTopic, [report(persister, 'cancelled', 1500, { message: 'Cancelled while running' })]);
    await until('the late report', async () => (await timeline(engine, workflow.id)).some((e) => e.kind === 'cancelled'), 5000);
    const entries = await timeline(engine, workflow.id);
    const reason = 'loader-producer BTCUSDT api_trades: Binance error -1100 from http://exchange/api/v3/aggTrades: Illegal characters';
    expect(entries.map(brief)).toEqual([
      '1 | orchestrator | workflow_created | - | - | 2 steps: BTCUSDT × api_trades over 2024-08-01:2024-08-02',
      '2 | orchestrator | dispatched | loader-producer | 0 | start command sent on queue-control-loader-producer',
      '3 | orchestrator | dispatched | arango-connector | 0 | start command sent on queue-control-arango-connector',
      '4 | function | started | loader-producer | 0 | started with 0',
      '5 | function | started | arango-connector | 0 | started with 0',
      '6 | function | loading | loader-producer | 1000 | loading with 1000',
      '7 | function | retrying | loader-producer | 1000 | HTTP 500 from http://exchange/api/v3/aggTrades',
      '8 | function | loading | loader-producer | 2000 | loading with 2000',
      '9 | function | loading | arango-connector | 1500 | loading with 1500',
      '10 | function | error | loader-producer | 2000 | Binance error -1100 from http://exchange/api/v3/aggTrades: Illegal characters',
      '11 | orchestrator | stop_sent | arango-connector | 1500 | stop command sent on queue-control-arango-connector',
      `12 | orchestrator | workflow_failed | - | - | ${reason}`,
      '13 | function | cancelled | arango-connector | 1500 | Cancelled while running',
    ]);
    expect(entries[6]).toMatchObject({ attempt: 1, retry_at: new Date(retryAt * 1000).toISOString() });
    expect(entries[9]).toMatchObject({ queue_id: loader.queue_id, symbol: 'BTCUSDT', type: 'api_trades', time: new Date((T0 + 2) * 1000).toISOString() });
    expect((await engine.get(workflow.id))!.reason).toBe(reason);
    await engine.stop();
  });

  it('keeps a record redelivered to the orchestrator after a restart once, and numbers on after the restart', async () => {
    const store = new SqliteStore(':memory:');
    const first = await startEngine({ store, eventsFrom: 'cloudevents' });
    const workflow = await first.engine.create(request);
    const loader = workflow.steps[0]!;
    const loading = report(loader, 'loading', 700);
    expect(await first.engine.receive('kafka#0/5', loading)).toBe('applied');
    await first.engine.stop();
    // The embedded bus lost its records with the process: the restarted engine runs both steps again.
    const second = await startEngine({ store, eventsFrom: 'cloudevents' });
    // The same record again, now under another delivery id: its receipt does not know it, the timeline does.
    expect(await second.engine.receive('kafka#0/5-again', loading)).toBe('applied');
    expect(await second.engine.receive('kafka#0/6', report(loader, 'loading', 900))).toBe('applied');
    const entries = await timeline(second.engine, workflow.id);
    expect(entries.map(brief)).toEqual([
      '1 | orchestrator | workflow_created | - | - | 2 steps: BTCUSDT × api_trades over 2024-08-01:2024-08-02',
      '2 | orchestrator | dispatched | loader-producer | 0 | start command sent on queue-control-loader-producer',
      '3 | orchestrator | dispatched | arango-connector | 0 | start command sent on queue-control-arango-connector',
      '4 | function | loading | loader-producer | 700 | loading with 700',
      '5 | orchestrator | workflow_resumed | - | - | resuming after a restart: 1 unfinished queue(s) re-run from the start (the bus lost its records with the process)',
      '6 | orchestrator | dispatched | loader-producer | 700 | start command sent on queue-control-loader-producer (command 2)',
      '7 | orchestrator | dispatched | arango-connector | 0 | start command sent on queue-control-arango-connector (command 2)',
      '8 | function | loading | loader-producer | 900 | loading with 900',
    ]);
    await second.engine.stop();
  });

  it("records the watchdog's timeout with its reason and what the step had written", async () => {
    const { engine, bus } = await startEngine({ startTimeoutMs: 60_000, silenceTimeoutMs: 300 });
    const workflow = await engine.create(request);
    const [loader, persister] = workflow.steps as [Step, Step];
    await publish(bus, eventsTopic, [report(loader, 'started', 0), report(loader, 'loading', 4000)]);
    const beat = setInterval(() => void publish(bus, eventsTopic, [report(persister, 'loading', 10, { timestamp: Date.now() / 1000 })]), 50);
    try {
      await until('the workflow to fail', async () => (await engine.get(workflow.id))!.status === 'failed', 5000);
    } finally {
      clearInterval(beat);
    }
    const decisions = (await timeline(engine, workflow.id)).filter((e) => e.source === 'orchestrator' && e.kind !== 'dispatched' && e.kind !== 'workflow_created');
    expect(decisions.map((e) => [e.kind, e.target, e.records_written])).toEqual([
      ['timed_out', 'loader-producer', 4000],
      ['stop_sent', 'arango-connector', 10],
      ['workflow_failed', undefined, undefined],
    ]);
    expect(decisions[0]!.message).toMatch(/^loader-producer went silent: no report for \d+ ms \(limit 300 ms\); last: loading with 4000$/);
    expect(decisions[2]!.message).toBe(`loader-producer BTCUSDT api_trades: ${decisions[0]!.message}`);
    await engine.stop();
  });

  it('records the pod a step runs in, and the pod failure that failed it, with the pod and Job named', async () => {
    let onPod: ((pod: PodReport) => void) | undefined;
    const launcher: Launcher = {
      mode: 'keda',
      launch: async () => 'unused',
      remove: async () => undefined,
      watch: (listener) => void (onPod = listener),
      close: () => undefined,
    };
    const { engine, bus } = await startEngine({ launcher });
    const workflow = await engine.create(request);
    const loader = workflow.steps[0]!;
    await publish(bus, eventsTopic, [report(loader, 'started', 0, { job: 'loader-7f3a' }), report(loader, 'loading', 3000, { job: 'loader-7f3a' })]);
    await until('the loader to report', async () => (await engine.get(workflow.id))!.steps[0]!.records_written === 3000, 5000);
    const pod = { name: 'loader-7f3a-x2k9p', job: 'loader-7f3a', target: 'loader-producer', cannotStart: false };
    onPod!({ ...pod, failure: undefined });
    onPod!({ ...pod, failure: 'OOMKilled: container loader went over its memory limit (exit code 137)' });
    await until('the workflow to fail', async () => (await engine.get(workflow.id))!.status === 'failed', 5000);
    const decisions = (await timeline(engine, workflow.id)).filter((e) => e.kind === 'placed' || e.kind === 'pod_failed');
    expect(decisions).toEqual([
      expect.objectContaining({ kind: 'placed', target: 'loader-producer', pod: pod.name, job: pod.job, records_written: 3000, message: `running in pod ${pod.name}` }),
      expect.objectContaining({
        kind: 'pod_failed',
        target: 'loader-producer',
        pod: pod.name,
        job: pod.job,
        records_written: 3000,
        message: `pod ${pod.name} failed: OOMKilled: container loader went over its memory limit (exit code 137)`,
      }),
    ]);
    await engine.stop();
  });

  it('records a cancellation by request and a success', async () => {
    const { engine } = await startEngine({ eventsFrom: 'cloudevents' });
    const cancelled = await engine.create(request);
    await engine.cancel(cancelled.id);
    expect((await timeline(engine, cancelled.id)).slice(-3).map((e) => [e.kind, e.target ?? null, e.message])).toEqual([
      ['stop_sent', 'loader-producer', 'stop command sent on queue-control-loader-producer'],
      ['stop_sent', 'arango-connector', 'stop command sent on queue-control-arango-connector'],
      ['workflow_cancelled', null, 'cancelled by request'],
    ]);
    const succeeded = await engine.create(request);
    for (const step of succeeded.steps) await engine.receive(`${step.id}#1`, report(step, 'finished', 288));
    const last = (await timeline(engine, succeeded.id)).at(-1)!;
    expect(last).toMatchObject({ seq: 6, source: 'orchestrator', kind: 'workflow_succeeded', message: 'all 2 steps succeeded' });
    await engine.stop();
  });
});
