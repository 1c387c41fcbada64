// The live path on a real broker, every function from its bundle in its own process: a live workflow
// streams ETHUSDT from the simulator's WebSocket (its clock 60× fast), loader-ws publishes to Kafka, the
// persister stores trades and closed candles, the visualizer relays the same records to a page's socket
// from its own consumer group; a forced disconnect loses no trade; cancel stops every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningExchangeSim, startExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { formatDate } from '../../shared/contracts/time-range.ts';
import type { Step } from '../../shared/contracts/workflow.ts';
import { openSocketMessages } from '../websocket.ts';
import { api, ended, tempDir, until, waitForWorkflow } from '../helpers.ts';
import { kafkaBrokers } from './broker.ts';
import { type FunctionProcess, startFunctionProcess } from './processes.ts';

const DAY_MS = 86_400_000;

describe('a live workflow on Kafka', () => {
  let sim: RunningExchangeSim;
  let dataDir: string;
  const processes: FunctionProcess[] = [];
  let orchestrator: FunctionProcess;
  let visualizer: FunctionProcess;

  beforeAll(async () => {
    sim = await startExchangeSim({ speed: 60 });
    dataDir = await tempDir('sf-kafka-live-');
    const env = { BUS: 'kafka', KAFKA_BROKERS: kafkaBrokers().join(','), DATA_DIR: dataDir, BINANCE_REST_URL: sim.url, KAFKA_CLIENT_ID: 'sf-live-test' };
    orchestrator = await startFunctionProcess('orchestrator', env);
    processes.push(orchestrator, ...(await Promise.all(['loader-ws', 'persister'].map((name) => startFunctionProcess(name, env)))));
    visualizer = await startFunctionProcess('visualizer', { ...env, ORCHESTRATOR_URL: orchestrator.url });
    processes.push(visualizer);
  });

  afterAll(async () => {
    const codes = await Promise.all(processes.map((p) => p.stop()));
    await sim?.close();
    expect(codes).toEqual(processes.map(() => 0));
  });

  it('streams trades, candles and books through Kafka to the store and the page, complete through a disconnect, until cancelled', async () => {
    const time_range = `${formatDate(Date.now())}:${formatDate(Date.now() + 2 * DAY_MS)}`;
    const started = await api(orchestrator, '/workflows', { json: { symbols: ['ETHUSDT'], types: ['ws_trades', 'ws_candles_1m', 'ws_depth'], time_range } });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const persisted = (steps: readonly Step[], kind: string) => steps.find((s) => s.target === 'arango-connector' && s.type.kind === kind)?.records_written ?? 0;

    // The page's socket gets live trades and books relayed by the visualizer from its own group.
    const page = await openSocketMessages(`${visualizer.url.replace('http', 'ws')}/live?symbol=ETHUSDT&interval=1m`);
    await until('trades and a book on the page', () => page.some((m) => m.type === 'trades') && page.some((m) => m.type === 'books'), 30_000);

    await waitForWorkflow(orchestrator, id, (w) => persisted(w.steps, 'trades') >= 20, 60_000);
    expect(
      (await fetch(`${sim.url}/sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'ws-drop', refuseMs: 2000 }) })).status,
    ).toBe(201);
    const afterDrop = await waitForWorkflow(
      orchestrator,
      id,
      (w) => /[1-9]\d* backfilled from REST/.test(w.steps.find((s) => s.target === 'loader-ws' && s.type.kind === 'trades')!.message),
      30_000,
    );
    const stored = persisted(afterDrop.steps, 'trades');
    await waitForWorkflow(orchestrator, id, (w) => persisted(w.steps, 'trades') > stored + 20 && persisted(w.steps, 'candles') >= 2, 30_000);

    expect((await api(orchestrator, `/workflows/${id}/cancel`, { method: 'POST' })).status).toBe(200);
    const done = await waitForWorkflow(orchestrator, id, ended);
    expect(done.status).toBe('cancelled');
    expect(done.steps.map((s) => s.status)).toEqual(done.steps.map(() => 'cancelled'));

    const store = new SqliteStore(`${dataDir}/store.db`);
    try {
      const date = formatDate(Date.now()).replaceAll('-', '_');
      const trades = await store.query<{ _key: string; agg_id: number }>(`ethusdt_ws_trades_${date}`, { field: 'agg_id' });
      expect(trades.length).toBeGreaterThan(stored + 20);
      trades.forEach((t, i) => {
        if (i > 0) expect(t.agg_id).toBe(trades[i - 1]!.agg_id + 1);
      });
      expect(await store.count(`ethusdt_ws_candles_1m_${date}`)).toBeGreaterThanOrEqual(2);
    } finally {
      await store.close();
    }
    await until('the page told nothing is live', () => page.some((m) => m.type === 'source' && m.live?.workflows?.length === 0), 20_000);
    page.close();
  });
});
