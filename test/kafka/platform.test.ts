// `npm start` with BUS=kafka: the whole platform in one process on a real broker, with its lag gauge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../shared/platform/local.ts';
import type { Workflow } from '../../functions/orchestrator/plan.ts';
import { api, ended, startTestPlatform, waitForWorkflow } from '../helpers.ts';
import { kafkaBrokers } from './broker.ts';

describe('the whole platform on Kafka in one process', () => {
  let platform: LocalPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ BUS: 'kafka', KAFKA_BROKERS: kafkaBrokers().join(','), KAFKA_CLIENT_ID: 'one-process' });
  });
  afterAll(async () => platform?.stop());

  it('runs the two-symbol day with exact counts and reports consumer lag per group, topic and partition', async () => {
    const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-09:2024-08-10' };
    const { body } = await api(platform, '/workflows', { json: request });
    const workflow: Workflow = await waitForWorkflow(platform, body.id, ended, 120_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    const persisted = Object.fromEntries(workflow.steps.filter((s) => s.target === 'arango-connector').map((s) => [`${s.symbol}/${s.type}`, s.records_written]));
    expect(persisted).toEqual({ 'BTCUSDT/api_candles_5m': 288, 'BTCUSDT/api_trades': 28_800, 'ETHUSDT/api_candles_5m': 288, 'ETHUSDT/api_trades': 21_600 });
    expect(platform.ports.bus.kind).toBe('kafka');
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    for (const partition of [0, 1, 2]) {
      expect(metrics).toContain(`streamforge_consumer_lag{group="loader-producer-commands",topic="queue-control-loader-producer",partition="${partition}"} 0`);
    }
    expect(metrics).toMatch(/streamforge_consumer_lag\{group="queue-manager-group",topic="queue-events",partition="\d"\} \d+/);
    expect((await api(platform, '/readyz')).body).toEqual({ status: 'ready', checks: { bus: 'ok', store: 'ok' } });
  });
});
