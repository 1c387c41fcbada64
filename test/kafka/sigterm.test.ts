// Each function's bundle, started as its container starts it, stopped with SIGTERM in the middle of a
// load (the simulator holds the loader's requests, so part of the data is stored and part is not): it
// drains and exits 0, the next instance carries on, and the workflow ends with every record once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchangeSim, startExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { api, ended, getWorkflow, persistedCounts, tempDir, until, waitForWorkflow } from '../helpers.ts';
import { kafkaBrokers } from './broker.ts';
import { type FunctionProcess, startFunctionProcess } from './processes.ts';

const EXACT = { 'BTCUSDT/api_trades': 28_800, 'ETHUSDT/api_trades': 21_600 };

describe('SIGTERM in the middle of a load, per function bundle', () => {
  let sim: RunningExchangeSim;
  let env: Record<string, string>;
  let dataDir: string;
  const processes = new Map<string, FunctionProcess>();

  beforeAll(async () => {
    sim = await startExchangeSim();
    dataDir = await tempDir('sf-sigterm-');
    env = { BUS: 'kafka', KAFKA_BROKERS: kafkaBrokers().join(','), DATA_DIR: dataDir, BINANCE_REST_URL: sim.url, KAFKA_CLIENT_ID: 'sf-sigterm' };
    for (const p of await Promise.all(['orchestrator', 'loader', 'persister'].map((name) => startFunctionProcess(name, env)))) processes.set(p.name, p);
  });

  afterAll(async () => {
    sim?.sim.faults.release();
    await Promise.all([...processes.values()].map((p) => p.stop()));
    await sim?.close();
  });

  const stored = async (day: string) => {
    const store = new SqliteStore(`${dataDir}/store.db`);
    try {
      const ids = async (symbol: string) => (await store.query<{ _key: string; agg_id: number }>(`${symbol}_api_trades_2024_08_${day}`, { field: 'agg_id' })).map((t) => t.agg_id);
      return { btc: await ids('btcusdt'), eth: await ids('ethusdt') };
    } finally {
      await store.close();
    }
  };

  it.each([
    ['loader', '21'],
    ['persister', '22'],
    ['orchestrator', '23'],
  ])('%s: drains on SIGTERM, exits 0, and the next instance finishes with nothing lost or repeated', async (name, day) => {
    const orchestrator = () => processes.get('orchestrator')!;
    sim.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'hold', afterRequests: 10, count: 1000 });
    const { body } = await api(orchestrator(), '/workflows', {
      json: { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_trades'], time_range: `2024-08-${day}:2024-08-${Number(day) + 1}` },
    });
    await until(
      'a held request and part of the trades stored',
      async () => {
        const { btc, eth } = await stored(day);
        return sim.sim.faults.held() > 0 && btc.length + eth.length > 0;
      },
      60_000,
    );
    const before = await stored(day);
    expect(before.btc.length + before.eth.length).toBeLessThan(28_800 + 21_600);
    const stopping = processes.get(name)!.stop();
    // The loader's step is waiting on a held request: it must give it up, not wait for it.
    if (name !== 'loader') sim.sim.faults.release();
    expect(await stopping).toBe(0);
    processes.set(name, await startFunctionProcess(name, env));
    sim.sim.faults.release();
    const workflow = await waitForWorkflow(orchestrator(), body.id, ended, 150_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(EXACT);
    const after = await stored(day);
    expect(after.btc).toHaveLength(28_800);
    expect(new Set(after.btc).size).toBe(28_800);
    expect(after.btc.at(-1)! - after.btc[0]!).toBe(28_799);
    expect(after.eth).toHaveLength(21_600);
    expect((await getWorkflow(orchestrator(), body.id)).steps.every((s) => s.status === 'succeeded')).toBe(true);
  });
});
