// The metrics catalog as the harness feeds it: values read back from the registry after real reads,
// failures and events, not just "a metric exists".
import { describe, expect, it } from 'vitest';
import { embeddedPorts } from '../../test/step-context.ts';
import { dataTopic } from '../contracts/market.ts';
import { consume } from './consume.ts';
import { Instrumentation } from './instrumentation.ts';
import { instrumentBus } from './lag-metrics.ts';
import { createRegistry, instrumentMetrics } from './metrics.ts';

const TOPIC = 'wf-ethusdt-ws_trades-20240901-abc123-data';
const trade = (agg_id: number) => ({
  kind: 'trade',
  symbol: 'ETHUSDT',
  agg_id,
  price: 3200.5,
  qty: 0.1,
  first_id: agg_id,
  last_id: agg_id,
  time: 1_725_148_800_000 + agg_id,
  buyer_maker: false,
});

function metered() {
  const instrumentation = new Instrumentation();
  const registry = createRegistry();
  instrumentMetrics(registry, instrumentation);
  const ports = { ...embeddedPorts(), instrumentation };
  /** One sample's value, or undefined when the registry has no such series. */
  const value = async (name: string, labels: Record<string, string> = {}) => {
    const samples = (await registry.getMetricsAsJSON()).flatMap((m) =>
      m.values.map((v) => ({ name: (v as { metricName?: string }).metricName ?? m.name, labels: v.labels, value: v.value })),
    );
    const wanted = Object.entries(labels);
    const match = samples.find(
      (v) => v.name === name && Object.keys(v.labels).filter((k) => k !== 'le').length === wanted.length && wanted.every(([k, l]) => String(v.labels[k]) === l),
    );
    return match?.value;
  };
  return { instrumentation, registry, ports, value };
}

describe('metrics catalog', () => {
  it("starts a function's counters at zero and drops the defaults promtool rejects", async () => {
    const { instrumentation, registry, value } = metered();
    expect(await value('streamforge_records_in_total', { fn: 'loader' })).toBeUndefined();
    instrumentation.emit('function.started', { fn: 'loader' });
    expect(await value('streamforge_function_info', { fn: 'loader' })).toBe(1);
    for (const name of ['records_in', 'records_out', 'records_failed', 'records_dead_lettered', 'step_retries'])
      expect(await value(`streamforge_${name}_total`, { fn: 'loader' })).toBe(0);
    const page = await registry.metrics();
    expect(page).toContain('# TYPE streamforge_nodejs_active_handles gauge');
    expect(page).not.toMatch(/streamforge_nodejs_active_(handles|requests|resources)_total/);
    // Workflow metrics belong to the process an orchestrator runs in.
    expect(page).not.toContain('streamforge_workflows_started_total');
  });

  it('counts records in per batch, times handled batches, and counts a batch whose reader failed as failed', async () => {
    const { ports, value } = metered();
    await ports.bus.publish(
      TOPIC,
      [1, 2, 3].map((id) => ({ key: 'ETHUSDT', value: JSON.stringify(trade(id)) })),
    );
    await expect(
      (async () => {
        for await (const _batch of consume(ports, { fn: 'persister', group: 'g', topic: dataTopic(TOPIC) })) throw new Error('store away');
      })(),
    ).rejects.toThrow('store away');
    expect(await value('streamforge_records_in_total', { fn: 'persister' })).toBe(3);
    expect(await value('streamforge_records_failed_total', { fn: 'persister' })).toBe(3);
    expect(await value('streamforge_batch_duration_seconds_count', { fn: 'persister' })).toBeUndefined();

    // Read again (nothing was committed), handled and committed this time.
    for await (const batch of consume(ports, { fn: 'persister', group: 'g', topic: dataTopic(TOPIC) })) {
      expect(batch.messages).toHaveLength(3);
      await batch.commit();
      break;
    }
    expect(await value('streamforge_records_in_total', { fn: 'persister' })).toBe(6);
    expect(await value('streamforge_records_failed_total', { fn: 'persister' })).toBe(3);
    expect(await value('streamforge_batch_duration_seconds_count', { fn: 'persister' })).toBe(1);
  });

  it('does not count a batch left by a reader that was stopped as failed', async () => {
    const { ports, value } = metered();
    await ports.bus.publish(TOPIC, [{ key: 'ETHUSDT', value: JSON.stringify(trade(1)) }]);
    const stop = new AbortController();
    for await (const _batch of consume(ports, { fn: 'persister', group: 'g', topic: dataTopic(TOPIC), signal: stop.signal })) {
      stop.abort();
      break;
    }
    expect(await value('streamforge_records_in_total', { fn: 'persister' })).toBe(1);
    expect(await value('streamforge_records_failed_total', { fn: 'persister' })).toBeUndefined();
  });

  it("keeps a live stream's last-publish time while its step runs, and removes it when the step ends", async () => {
    const { instrumentation, value } = metered();
    const before = Date.now() / 1000;
    instrumentation.emit('live.published', { fn: 'loader-ws', stream: 'ws_trades', symbol: 'BTCUSDT', queueId: 'wf-q1', latenciesMs: [3, 7] });
    const stamp = await value('streamforge_live_last_publish_timestamp_seconds', { fn: 'loader-ws', stream: 'ws_trades', symbol: 'BTCUSDT' });
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Date.now() / 1000);
    expect(await value('streamforge_live_latency_seconds_count', { fn: 'loader-ws', stream: 'ws_trades' })).toBe(2);
    expect(await value('streamforge_live_latency_seconds_sum', { fn: 'loader-ws', stream: 'ws_trades' })).toBeCloseTo(0.01, 9);
    expect(await value('streamforge_live_reconnects_total', { fn: 'loader-ws' })).toBe(0);
    expect(await value('streamforge_live_skipped_total', { fn: 'loader-ws', reason: 'not-json' })).toBe(0);
    instrumentation.emit('step.ended', { fn: 'loader-ws', queueId: 'wf-q1', outcome: 'cancelled', seconds: 9, records: 2 });
    expect(await value('streamforge_live_last_publish_timestamp_seconds', { fn: 'loader-ws', stream: 'ws_trades', symbol: 'BTCUSDT' })).toBeUndefined();
    expect(await value('streamforge_steps_total', { fn: 'loader-ws', outcome: 'cancelled' })).toBe(1);
  });

  it("labels the orchestrator's steps by function name and counts failures by cause", async () => {
    const { instrumentation, value } = metered();
    instrumentation.emit('orchestrator.started', { functions: [{ target: 'loader-producer', fn: 'loader' }], running: 2 });
    expect(await value('streamforge_workflows_running')).toBe(2);
    expect(await value('streamforge_workflow_step_failures_total', { step: 'loader', cause: 'silent' })).toBe(0);
    instrumentation.emit('workflow.started', { workflowId: 'wf-1' });
    instrumentation.emit('workflow.step-failed', { workflowId: 'wf-1', target: 'loader-producer', cause: 'silent' });
    instrumentation.emit('workflow.step-ended', { workflowId: 'wf-1', target: 'loader-producer', status: 'error', seconds: 4 });
    instrumentation.emit('workflow.ended', { workflowId: 'wf-1', status: 'failed', seconds: 5 });
    expect(await value('streamforge_workflows_started_total')).toBe(1);
    expect(await value('streamforge_workflows_running')).toBe(2);
    expect(await value('streamforge_workflow_step_failures_total', { step: 'loader', cause: 'silent' })).toBe(1);
    expect(await value('streamforge_workflow_steps_ended_total', { step: 'loader', status: 'error' })).toBe(1);
    expect(await value('streamforge_workflow_step_duration_seconds_sum', { step: 'loader', status: 'error' })).toBe(4);
    expect(await value('streamforge_workflows_ended_total', { status: 'failed' })).toBe(1);
    expect(await value('streamforge_workflows_ended_total', { status: 'succeeded' })).toBe(0);
  });

  it('reports consumer lag per group, topic and partition, under the function that owns the group, each pair once', async () => {
    const { ports, registry, value } = metered();
    await ports.bus.ensureTopic(TOPIC, { partitions: 1 });
    await ports.bus.publish(
      TOPIC,
      [1, 2, 3, 4].map((id) => ({ key: 'ETHUSDT', value: JSON.stringify(trade(id)) })),
    );
    for await (const batch of consume(ports, { fn: 'persister', group: 'arango-connector-group', topic: dataTopic(TOPIC), maxBatchSize: 1 })) {
      await batch.commit(batch.messages[0]!.record);
      break;
    }
    const pair = { group: 'arango-connector-group', topic: TOPIC };
    instrumentBus(
      registry,
      ports.bus,
      () => [pair, pair],
      (group) => (group === 'arango-connector-group' ? 'persister' : 'unknown'),
    );
    expect(await value('streamforge_consumer_lag', { fn: 'persister', group: 'arango-connector-group', topic: TOPIC, partition: '0' })).toBe(3);
    const lines = (await registry.metrics()).split('\n').filter((l) => l.startsWith('streamforge_consumer_lag{'));
    expect(lines).toEqual([`streamforge_consumer_lag{fn="persister",group="arango-connector-group",topic="${TOPIC}",partition="0"} 3`]);
  });

  it('shows the model version a function uses and counts registrations', async () => {
    const { instrumentation, value } = metered();
    instrumentation.emit('model.in-use', { fn: 'rl-agent-live', model: 'ppo', reference: 'champion', version: 3 });
    instrumentation.emit('model.in-use', { fn: 'rl-agent-live', model: 'ppo', reference: 'champion', version: 4 });
    instrumentation.emit('model.registered', { fn: 'rl-agent', model: 'ppo', version: 4 });
    expect(await value('streamforge_model_version', { fn: 'rl-agent-live', model: 'ppo', reference: 'champion' })).toBe(4);
    expect(await value('streamforge_models_registered_total', { fn: 'rl-agent', model: 'ppo' })).toBe(1);
  });
});
