// Every function of the registry from its bundle, in its own process on the real broker, as its container
// runs it: after a workflow, each one's /metrics passes `promtool check metrics` and carries the catalog —
// its own info and zero-initialized counters, the records it moved, and the orchestrator's workflow
// counters and the lag of every function's command group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchangeSim, startExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { FUNCTIONS } from '../../platform/registry.ts';
import { DAY_COUNTS, api, ended, persistedCounts, tempDir, waitForWorkflow } from '../helpers.ts';
import { checkMetrics } from '../promtool.ts';
import { kafkaBrokers } from './broker.ts';
import { type FunctionProcess, startFunctionProcess } from './processes.ts';

const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-03:2024-08-04' };

/** The value of one sample on a /metrics page, or undefined when the page has no such series. */
function sample(page: string, series: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics of every function, each in its own process', () => {
  let sim: RunningExchangeSim;
  const processes = new Map<string, FunctionProcess>();

  beforeAll(async () => {
    sim = await startExchangeSim();
    const env = { BUS: 'kafka', KAFKA_BROKERS: kafkaBrokers().join(','), DATA_DIR: await tempDir('sf-metrics-'), BINANCE_REST_URL: sim.url, KAFKA_CLIENT_ID: 'sf-metrics' };
    const orchestrator = await startFunctionProcess('orchestrator', env);
    processes.set('orchestrator', orchestrator);
    const others = FUNCTIONS.map((f) => f.name).filter((name) => name !== 'orchestrator');
    for (const p of await Promise.all(others.map((name) => startFunctionProcess(name, { ...env, ORCHESTRATOR_URL: orchestrator.url })))) processes.set(p.name, p);
  });

  afterAll(async () => {
    const codes = await Promise.all([...processes.values()].map((p) => p.stop()));
    await sim?.close();
    expect(codes.every((code) => code === 0)).toBe(true);
  });

  it('passes promtool and carries the catalog on every function after a workflow', async () => {
    const orchestrator = processes.get('orchestrator')!;
    const { body } = await api(orchestrator, '/workflows', { json: request });
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 120_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    const written = (target: string) => workflow.steps.filter((s) => s.target === target).reduce((sum, s) => sum + s.records_written, 0);

    const pages = new Map<string, string>();
    for (const [name, p] of processes) pages.set(name, await (await fetch(`${p.url}/metrics`)).text());
    expect([...pages.keys()].sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const [name, page] of pages) {
      const lint = await checkMetrics(page);
      expect({ name, ...lint }).toEqual({ name, code: 0, output: '' });
      expect(sample(page, `streamforge_function_info{fn="${name}"}`), name).toBe(1);
      for (const counter of ['records_in', 'records_out', 'records_failed', 'records_dead_lettered']) {
        expect(sample(page, `streamforge_${counter}_total{fn="${name}"}`), `${name} ${counter}`).toBeGreaterThanOrEqual(0);
      }
      expect(page, name).not.toMatch(/^streamforge_nodejs_active_handles_total/m);
    }

    // Records out are what the steps reported written; the persister took in at least what the loader sent.
    const loader = pages.get('loader')!;
    const persister = pages.get('persister')!;
    expect(sample(loader, 'streamforge_records_out_total{fn="loader"}')).toBe(written('loader-producer'));
    expect(sample(persister, 'streamforge_records_out_total{fn="persister"}')).toBe(written('arango-connector'));
    expect(sample(loader, 'streamforge_records_in_total{fn="loader"}')).toBeGreaterThanOrEqual(written('loader-producer'));
    expect(sample(persister, 'streamforge_records_in_total{fn="persister"}')).toBeGreaterThanOrEqual(written('loader-producer'));
    expect(sample(persister, 'streamforge_batch_duration_seconds_count{fn="persister"}')).toBeGreaterThan(0);
    expect(sample(loader, 'streamforge_steps_total{fn="loader",outcome="finished"}')).toBe(4);
    expect(sample(loader, 'streamforge_steps_total{fn="loader",outcome="error"}')).toBe(0);

    // The orchestrator's workflows and steps, and the lag of command groups whose functions it does not run.
    const orchestratorPage = pages.get('orchestrator')!;
    expect(sample(orchestratorPage, 'streamforge_workflows_started_total')).toBe(1);
    expect(sample(orchestratorPage, 'streamforge_workflows_ended_total{status="succeeded"}')).toBe(1);
    expect(sample(orchestratorPage, 'streamforge_workflows_ended_total{status="failed"}')).toBe(0);
    expect(sample(orchestratorPage, 'streamforge_workflows_running')).toBe(0);
    expect(sample(orchestratorPage, 'streamforge_workflow_steps_ended_total{step="loader",status="finished"}')).toBe(4);
    expect(sample(orchestratorPage, 'streamforge_workflow_steps_ended_total{step="persister",status="finished"}')).toBe(4);
    expect(sample(orchestratorPage, 'streamforge_workflow_step_failures_total{step="loader",cause="silent"}')).toBe(0);
    expect(sample(orchestratorPage, 'streamforge_workflow_duration_seconds_count{status="succeeded"}')).toBe(1);
    for (const [fn, target] of [
      ['loader', 'loader-producer'],
      ['backtester', 'backtester'],
    ]) {
      expect(sample(orchestratorPage, `streamforge_consumer_lag{fn="${fn}",group="${target}-commands",topic="queue-control-${target}",partition="0"}`)).toBe(0);
    }
  });
});
