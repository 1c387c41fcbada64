// The broker goes away for a few seconds in the middle of a load and comes back: the workflow still
// succeeds with exact counts, through retries rather than failures. Runs on a broker of its own.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchangeSim, startExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { DAY_COUNTS, api, ended, getWorkflow, persistedCounts, tempDir, until, waitForWorkflow } from '../helpers.ts';
import { freePort } from '../../platform/free-port.ts';
import { startFunctionProcess, type FunctionProcess } from './processes.ts';

const run = promisify(execFile);
const script = new URL('../../scripts/kafka/broker.sh', import.meta.url).pathname;
const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };

describe('broker outage', () => {
  let port: number;
  let brokerDir: string;
  let sim: RunningExchangeSim;
  let dataDir: string;
  const storedTrades = async () => {
    const store = new SqliteStore(`${dataDir}/store.db`);
    try {
      return (await store.count('btcusdt_api_trades_2024_08_01')) + (await store.count('ethusdt_api_trades_2024_08_01'));
    } finally {
      await store.close();
    }
  };
  const processes: FunctionProcess[] = [];
  const broker = (action: 'start' | 'stop') => run('bash', [script, action, '--port', String(port), '--dir', brokerDir], { timeout: 120_000 });

  beforeAll(async () => {
    do port = await freePort();
    while (port > 65_000);
    brokerDir = await tempDir('sf-broker-');
    await broker('start');
    sim = await startExchangeSim();
    dataDir = await tempDir('sf-outage-');
    const env = { BUS: 'kafka', KAFKA_BROKERS: `127.0.0.1:${port}`, DATA_DIR: dataDir, BINANCE_REST_URL: sim.url };
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
    sim?.sim.faults.release();
    await sim?.close();
    await broker('stop').catch(() => undefined);
  });

  it('finishes with exact counts after the broker is stopped and started again mid-load', async () => {
    const orchestrator = processes[0]!;
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'hold', afterRequests: 8, count: 1000 });
    const { body } = await api(orchestrator, '/workflows', { json: request });
    await until('a held request and part of the trades stored', async () => sim.sim.faults.held() > 0 && (await storedTrades()) > 0, 60_000);
    await broker('stop');
    const atStop = await storedTrades();
    expect(atStop).toBeGreaterThan(0);
    expect(atStop).toBeLessThan(28_800 + 21_600);
    expect((await getWorkflow(orchestrator, body.id)).status).toBe('running');
    const down = await fetch(`${processes[2]!.url}/readyz`);
    expect(down.status).toBe(503);
    expect(((await down.json()) as { checks: { bus: string } }).checks.bus).toMatch(/Kafka at 127\.0\.0\.1/);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await broker('start');
    sim.sim.faults.release();
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 200_000).catch((error: Error) => {
      // What each process said is the first thing anyone debugging this will want.
      for (const p of processes) console.log(`--- ${p.name}\n${p.output().slice(-4000)}`);
      throw error;
    });
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    expect((await fetch(`${processes[2]!.url}/readyz`)).status).toBe(200);
  }, 300_000);
});
