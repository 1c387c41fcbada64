// `npm start` with BUS=kafka: the whole platform in one process on a real broker, with its lag gauge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../platform/local.ts';
import { DAY_COUNTS, api, ended, persistedCounts, startTestPlatform, waitForWorkflow } from '../helpers.ts';
import { kafkaBrokers } from './broker.ts';

describe('the whole platform on Kafka in one process', () => {
  let platform: LocalPlatform;
  beforeAll(async () => {
    // A short grace period, so the test of topic deletion need not wait ten minutes.
    platform = await startTestPlatform({ BUS: 'kafka', KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_CLIENT_ID: 'one-process', DATA_TOPIC_GRACE_MS: '500' });
  });
  afterAll(async () => platform?.stop());

  it('runs the two-symbol day with exact counts and reports consumer lag per group, topic and partition', async () => {
    const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-09:2024-08-10' };
    const { body } = await api(platform, '/workflows', { json: request });
    const workflow = await waitForWorkflow(platform, body.id, ended, 120_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    expect(platform.ports.bus.kind).toBe('kafka');
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    for (const partition of [0, 1, 2]) {
      expect(metrics).toContain(`streamforge_consumer_lag{fn="loader",group="loader-producer-commands",topic="queue-control-loader-producer",partition="${partition}"} 0`);
    }
    expect(metrics).toMatch(/streamforge_consumer_lag\{fn="orchestrator",group="queue-manager-group",topic="queue-events",partition="\d"\} \d+/);
    expect((await api(platform, '/readyz')).body).toEqual({ status: 'ready', checks: { bus: 'ok', store: 'ok', objects: 'ok' } });
  });

  it('deletes the data topics of an ended workflow from the broker after the grace period', async () => {
    const { body } = await api(platform, '/workflows', { json: { symbols: ['ETHUSDT'], types: ['api_candles_5m'], time_range: '2024-08-13:2024-08-14' } });
    const workflow = await waitForWorkflow(platform, body.id, ended, 120_000);
    expect(workflow.status).toBe('succeeded');
    const topic = workflow.steps[0]!.kafka_topic;
    const deleted = await waitForWorkflow(platform, body.id, (w) => w.data_topics.deleted, 30_000);
    expect(deleted.data_topics.deleted).toBe(true);
    expect(await platform.ports.bus.listTopics()).not.toContain(topic);
    expect(await platform.ports.bus.listTopics()).toEqual(expect.arrayContaining(['queue-events', 'queue-control-loader-producer']));
    // The same clients go on: a second workflow after the deletion runs to the end.
    const next = await api(platform, '/workflows', { json: { symbols: ['ETHUSDT'], types: ['api_candles_5m'], time_range: '2024-08-14:2024-08-15' } });
    expect((await waitForWorkflow(platform, next.body.id, ended, 120_000)).status).toBe('succeeded');
  });
});
