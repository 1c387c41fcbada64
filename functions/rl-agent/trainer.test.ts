// The rl_train step end to end on stored candles of the simulator's learnable market (a ±3 % four-hour
// wave per symbol): walk-forward PPO training, a policy per fold registered as one version, each fold
// scored on bars it never saw; then the backtester scores each fold with that fold's policy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../shared/adapters/embedded/fs-object-store.ts';
import { SqliteResults } from '../../shared/adapters/embedded/sqlite-results.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import { type BacktestOutcome, type PipelineStage, type RlTrainOutcome, pipelineOptionsSchema } from '../../shared/contracts/pipeline.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import { PACKAGE_FILE, readManifest } from '../../shared/trading/ppo/manifest.ts';
import { simulatedSymbols, storeSimulatedCandles } from '../../test/market-candles.ts';
import { tempDir } from '../../test/helpers.ts';
import { commandFor, embeddedPorts, runStep, stepContext } from '../../test/step-context.ts';
import { createBacktester } from '../backtester/index.ts';
import { QUICK_TRAINING } from './test-support.ts';
import { createRlTrainer } from './index.ts';

const FROM = Date.UTC(2024, 5, 1);
const RANGE = '2024-06-01:2024-06-11';
const symbols = simulatedSymbols(2);
// Ten days of 5m bars: folds of four days' training and two days' test, every two days: 3 folds.
const options = pipelineOptionsSchema.parse({
  walk_forward: { train_bars: 1152, test_bars: 576 },
  rl_train: { ...QUICK_TRAINING, steps_per_fold: 16_384 },
});

const command = (target: string, pipeline: PipelineStage[], collection: string) => ({
  ...commandFor(target, symbols[0]!.symbol, 'api_candles_5m', RANGE),
  collection_name: collection,
  stage: { workflow_id: 'wf-20240601-abc123', symbols: symbols.map((s) => s.symbol), pipeline, options },
});

describe('rl_train then backtest', () => {
  const ports = { ...embeddedPorts() };
  let registry: ModelRegistry;
  let trained: RlTrainOutcome;
  beforeAll(async () => {
    Object.assign(ports, { objects: new FsObjectStore(await tempDir('sf-objects-')) });
    registry = new ModelRegistry(ports);
    await storeSimulatedCandles(ports.store, { seed: 3, symbols, market: { path: 'cycles' } }, FROM, Date.UTC(2024, 5, 11));
  });
  afterAll(async () => ports.store.close());

  it('trains a policy per fold that beats buy-and-hold on every fold’s unseen bars, after costs, and registers them as one version', async () => {
    const step = await runStep(createRlTrainer(), stepContext(ports, command(TARGETS.rlAgent, ['rl_train', 'backtest'], 'rl_train_20240601_abc123'))).result;
    trained = step.result as RlTrainOutcome;
    expect(trained).toMatchObject({ kind: 'rl_train', model: 'models:/ppo/1', version: 1, steps: 3 * 16_384, champion: { moved: true }, rejected_bars: [] });
    expect(trained.aliases).toEqual(['challenger', 'champion']);
    expect(trained.folds.map((f) => f.fold)).toEqual([0, 1, 2]);
    // The wave rises and falls 3 % every two hours: holding it earns about nothing; timing it earns a lot.
    for (const fold of trained.folds) {
      expect(Math.abs(fold.buy_and_hold_return)).toBeLessThan(0.05);
      expect(fold.test_return).toBeGreaterThan(fold.buy_and_hold_return + 0.05);
    }
    expect(step.message).toMatch(/^Registered models:\/ppo\/1: 49152 steps over 3 folds; out of sample \d+\.\d\d% against buy-and-hold -?\d+\.\d\d%/);

    const version = await registry.resolve('models:/ppo@champion');
    expect(version.lineage).toEqual({ workflow_id: 'wf-20240601-abc123', symbols: symbols.map((s) => s.symbol), time_range: RANGE });
    expect(version.metrics).toMatchObject({ test_return: trained.test_return, buy_and_hold_return: trained.buy_and_hold_return, folds: 3, steps: 49_152 });
    expect(version.hyperparameters).toMatchObject({ clip: 0.2, gamma: 0.99, gae_lambda: 0.95, hidden: 64, window: 16, costs: { fee_rate: 0.001, slippage_rate: 0.0005 } });
    const files = (await registry.load(version)).files;
    expect([...files.keys()].sort()).toEqual([PACKAGE_FILE, ...[0, 1, 2].flatMap((k) => [`fold-${k}/model.json`, `fold-${k}/policy.json`, `fold-${k}/weights.bin`])].sort());
    const manifest = readManifest(files);
    // Each fold's policy trained on four days and was tested on the two after them.
    expect(manifest.folds.map((f) => [f.train.from, f.train.to, f.test.to].map((t) => (t - FROM) / 86_400_000))).toEqual([
      [0, 4, 6],
      [2, 6, 8],
      [4, 8, 10],
    ]);
  }, 240_000);

  it('backtests each fold with the policy trained before it, beside buy-and-hold and the SMA crossover', async () => {
    const results = new SqliteResults(':memory:');
    await results.migrate();
    const step = await runStep(createBacktester({ results }), stepContext(ports, command(TARGETS.backtester, ['rl_train', 'backtest'], 'backtest_20240601_abc123'))).result;
    const outcome = step.result as BacktestOutcome;
    expect(outcome.strategies.map((s) => [s.strategy, s.folds_traded, s.folds_skipped])).toEqual([
      ['buy_and_hold', 6, 0],
      ['sma_crossover', 6, 0],
      ['ppo', 6, 0],
    ]);
    const run = (await results.getRun('backtest_20240601_abc123'))!;
    for (const result of run.results.filter((r) => r.strategy === 'ppo')) {
      expect(result.folds.map((f) => f.params)).toEqual([0, 1, 2].map((k) => ({ model: 'models:/ppo/1', policy_fold: k })));
    }
    // The same policies on the same bars as rl_train scored them: the same returns.
    const ppo = outcome.strategies.find((s) => s.strategy === 'ppo')!;
    const hold = outcome.strategies.find((s) => s.strategy === 'buy_and_hold')!;
    expect(ppo.mean_return).toBeCloseTo(trained.test_return, 9);
    expect(hold.mean_return).toBeCloseTo(trained.buy_and_hold_return, 9);
    expect(ppo.mean_return).toBeGreaterThan(hold.mean_return + 0.1);
  }, 120_000);

  it('leaves no version behind when training crashes, and a retrained equal policy does not take champion', async () => {
    const crash = createRlTrainer({
      afterUpdate: (fold) => {
        if (fold === 0) throw new Error('the pod was evicted');
      },
    });
    const failed = runStep(crash, stepContext(ports, command(TARGETS.rlAgent, ['rl_train'], 'rl_train_20240601_def456')), { retries: 0, minDelayMs: 1, maxDelayMs: 1 });
    await expect(failed.result).rejects.toThrow(/evicted/);
    expect((await registry.versions('ppo')).map((v) => v.version)).toEqual([1]);

    const again = (await runStep(createRlTrainer(), stepContext(ports, command(TARGETS.rlAgent, ['rl_train'], 'rl_train_20240601_ghi789'))).result).result as RlTrainOutcome;
    expect(again).toMatchObject({ version: 2, aliases: ['challenger'], champion: { moved: false } });
    expect(again.champion.reason).toMatch(/^stays at version 1: this version does not beat it/);
    expect(again.test_return).toBeCloseTo(trained.test_return, 12);
  }, 240_000);
});
