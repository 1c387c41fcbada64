// Trading research end to end on embedded adapters, against the simulator's learnable market (a ±3 %
// wave every four hours): a workflow loads ten days of 5m candles for two symbols, trains the PPO agent
// walk-forward and backtests it beside the baselines, all after costs; then the live agent decides on
// every closed 5m candle of a live stream with the champion it registered, and moves to a new version
// without missing a candle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../platform/local.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import type { BacktestOutcome, RlTrainOutcome } from '../../shared/contracts/pipeline.ts';
import { type Signal, signalsTopic } from '../../shared/contracts/signals.ts';
import { formatDate } from '../../shared/contracts/time-range.ts';
import type { Workflow } from '../../shared/contracts/workflow.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import { PACKAGE_FRAMEWORK } from '../../shared/trading/ppo/manifest.ts';
import { SqliteResults } from '../../shared/adapters/embedded/sqlite-results.ts';
import { api, ended, startTestPlatform, tempDir, waitForWorkflow } from '../helpers.ts';

const DAY_MS = 86_400_000;
const FIVE_MINUTES = 300_000;
const REQUEST = {
  symbols: ['BTCUSDT', 'ETHUSDT'],
  types: ['api_candles_5m'],
  time_range: '2024-06-01:2024-06-11',
  pipeline: ['rl_train', 'backtest'],
  options: {
    walk_forward: { train_bars: 1152, test_bars: 576 },
    rl_train: { rollout_steps: 1024, minibatch: 256, epochs: 4, learning_rate: 0.001, steps_per_fold: 16_384 },
  },
};

describe('research then live trading', () => {
  let platform: LocalPlatform;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await tempDir('sf-data-');
    // The simulator's clock 300× fast: a 5m candle closes every second.
    platform = await startTestPlatform({ DATA_DIR: dataDir, SIM_MARKET_PATH: 'cycles', SIM_SPEED: '300' });
  });
  afterAll(async () => platform?.stop());

  let workflow: Workflow;
  it('trains the agent walk-forward and backtests it: it beats buy-and-hold on every unseen fold, after costs', async () => {
    const started = await api(platform, '/workflows', { json: REQUEST });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    workflow = await waitForWorkflow(platform, started.body.id, ended, 300_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    const trained = workflow.steps.find((s) => s.target === TARGETS.rlAgent)!.result as RlTrainOutcome;
    expect(trained).toMatchObject({ kind: 'rl_train', model: 'models:/ppo/1', aliases: ['challenger', 'champion'] });
    expect(trained.folds).toHaveLength(3);
    for (const fold of trained.folds) expect(fold.test_return).toBeGreaterThan(fold.buy_and_hold_return);

    const backtest = workflow.steps.find((s) => s.target === TARGETS.backtester)!.result as BacktestOutcome;
    expect(backtest).toMatchObject({ kind: 'backtest', results_store: 'sqlite', folds: 3, rejected_bars: [] });
    const by = Object.fromEntries(backtest.strategies.map((s) => [s.strategy, s]));
    expect(Object.keys(by).sort()).toEqual(['buy_and_hold', 'ppo', 'sma_crossover']);
    expect(by.ppo!.mean_return).toBeGreaterThan(by.buy_and_hold!.mean_return + 0.1);
    expect(by.ppo!.folds_traded).toBe(6);

    // The run is in the embedded results store, whole.
    const results = new SqliteResults(`${dataDir}/results.db`);
    try {
      const run = (await results.getRun(backtest.run_id))!;
      expect(run.workflow_id).toBe(workflow.id);
      expect(run.results.map((r) => `${r.strategy} ${r.symbol}`).sort()).toEqual([
        'buy_and_hold BTCUSDT',
        'buy_and_hold ETHUSDT',
        'ppo BTCUSDT',
        'ppo ETHUSDT',
        'sma_crossover BTCUSDT',
        'sma_crossover ETHUSDT',
      ]);
    } finally {
      await results.close();
    }
  }, 360_000);

  it('decides once per closed candle with the champion, and moves to a new version without a gap', async () => {
    const registry = new ModelRegistry(platform.ports);
    const signals = platform.ports.bus.subscribe({ group: 'test-signals-reader', topics: [signalsTopic.name], fromBeginning: true });
    const decisions: Signal[] = [];
    const reading = (async () => {
      for await (const batch of signals) {
        for (const record of batch.records) decisions.push(JSON.parse(record.value) as Signal);
        await batch.commit();
      }
    })();
    const until = async (done: () => boolean, what: string, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; ${decisions.length} decisions`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };

    const live = await api(platform, '/workflows', {
      json: { symbols: ['BTCUSDT'], types: ['ws_candles_5m'], time_range: `${formatDate(Date.now())}:${formatDate(Date.now() + 2 * DAY_MS)}` },
    });
    expect(live.status, JSON.stringify(live.body)).toBe(202);
    await until(() => decisions.length >= 5, 'five decisions by version 1');

    // Version 2: the same policies registered again; champion moves to it.
    const first = await registry.resolve('models:/ppo/1');
    const files = (await registry.load(first)).files;
    const second = await registry.register({
      name: 'ppo',
      framework: PACKAGE_FRAMEWORK,
      artifacts: [...files].map(([path, body]) => ({ path, body })),
      lineage: { parent: first.uri },
    });
    const movedAt = decisions.length;
    await registry.setAlias('ppo', 'champion', second.version);
    await until(() => decisions.filter((d) => d.model_version === 2).length >= 5, 'five decisions by version 2');

    await api(platform, `/workflows/${live.body.id}/cancel`, { method: 'POST' });
    await signals.close();
    await reading;

    const btc = decisions.filter((d) => d.symbol === 'BTCUSDT');
    // One decision per closed candle: consecutive 5m bars, none twice, none missed — across the move too.
    for (let i = 1; i < btc.length; i++) expect(btc[i]!.time - btc[i - 1]!.time, `decision ${i}`).toBe(FIVE_MINUTES);
    const switched = btc.findIndex((d) => d.model_version === 2);
    expect(switched).toBeGreaterThanOrEqual(movedAt);
    expect(btc.slice(0, switched).every((d) => d.model_version === 1)).toBe(true);
    expect(btc.slice(switched).every((d) => d.model_version === 2)).toBe(true);
    for (const d of btc) {
      expect(['buy', 'sell', 'hold']).toContain(d.action);
      // Warm from the stream's history candles: every decision is the policy's, with its probability.
      expect(d.confidence).toBeGreaterThan(1 / 3);
      expect(d).toMatchObject({ model: 'models:/ppo@champion', interval: '5m' });
    }
  }, 180_000);
});
