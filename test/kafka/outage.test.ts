// The broker goes away for a few seconds in the middle of a load and comes back: the workflow still
// succeeds with exact counts, through retries rather than failures. Runs on a broker of its own.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '../../functions/orchestrator/plan.ts';
import { startExchangeSim, type RunningExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { api, ended, tempDir, waitForWorkflow } from '../helpers.ts';
import { freePort, startFunctionProcess, type FunctionProcess } from './processes.ts';

const run = promisify(execFile);
const script = new URL('../../scripts/kafka/broker.sh', import.meta.url).pathname;
const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };

describe('broker outage', () => {
  let port: number;
  let brokerDir: string;
  let sim: RunningExchangeSim;
  const processes: FunctionProcess[] = [];
  const broker = (action: 'start' | 'stop') => run('bash', [script, action, '--port', String(port), '--dir', brokerDir], { timeout: 120_000 });

  beforeAll(async () => {
    do port = await freePort();
    while (port > 65_000);
    brokerDir = await tempDir('sf-broker-');
    await broker('start');
    sim = await startExchangeSim();
    const env = { BUS: 'kafka', KAFKA_BROKERS: `127.0.0.1:${port}`, DATA_DIR: await tempDir('sf-outage-'), BINANCE_REST_URL: sim.url };
    processes.push(...(await Promise.all(['orchestrator', 'loader', 'persister'].map((name) => startFunctionProcess(name, env)))));
  });

  afterAll(async () => {
    await Promise.all(
      processes.map(async (p) => {
        const timer = setTimeout(() => {
          console.log(`${p.name} did not exit on SIGTERM:\n${p.output().slice(-3000)}`);
          void p.kill();
        }, 25_000);
        await p.stop();
        clearTimeout(timer);
      }),
    );
    await sim?.close();
    await broker('stop').catch(() => undefined);
  });

  it('finishes with exact counts after the broker is stopped and started again mid-load', async () => {
    const orchestrator = processes[0]!;
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'delay', ms: 150, count: 60 });
    const { body } = await api(orchestrator, '/workflows', { json: request });
    await waitForWorkflow(orchestrator, body.id, (w) => w.steps.some((s) => s.type === 'api_trades' && s.target === 'arango-connector' && s.records_written > 0), 60_000);
    await broker('stop');
    const down = await fetch(`${processes[2]!.url}/readyz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { checks: { bus: string } }).checks.bus).toMatch(/Kafka at 127\.0\.0\.1/);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await broker('start');
    const workflow: Workflow = await waitForWorkflow(orchestrator, body.id, ended, 200_000).catch((error: Error) => {
      // What each process said is the first thing anyone debugging this will want.
      for (const p of processes) console.log(`--- ${p.name}\n${p.output().slice(-4000)}`);
      throw error;
    });
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    const persisted = Object.fromEntries(workflow.steps.filter((s) => s.target === 'arango-connector').map((s) => [`${s.symbol}/${s.type}`, s.records_written]));
    expect(persisted).toEqual({ 'BTCUSDT/api_candles_5m': 288, 'BTCUSDT/api_trades': 28_800, 'ETHUSDT/api_candles_5m': 288, 'ETHUSDT/api_trades': 21_600 });
    expect((await fetch(`${processes[2]!.url}/readyz`)).status).toBe(200);
  }, 300_000);
});
