// Scenario 1 to the end on embedded adapters: five symbols' candles loaded and stored, the symbol graphs
// built, a GCN trained, evaluated against its baselines and registered; the model loads and predicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGcn } from '../../functions/gnn-trainer/artifacts.ts';
import { GRAPHS, type GraphDoc } from '../../shared/contracts/graph.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import type { TrainOutcome } from '../../shared/contracts/pipeline.ts';
import type { Workflow } from '../../shared/contracts/workflow.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import type { LocalPlatform } from '../../platform/local.ts';
import { api, ended, startTestPlatform, waitForWorkflow } from '../helpers.ts';

const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'BNBUSDT', 'SOLUSDT', 'XRPUSDT'];
const REQUEST = { symbols: SYMBOLS, types: ['api_candles_5m'], time_range: '2024-08-01:2024-08-05', pipeline: ['graph', 'train'] };

describe('load → persist → graph → train', () => {
  let platform: LocalPlatform;
  let registry: ModelRegistry;
  beforeAll(async () => {
    platform = await startTestPlatform();
    registry = new ModelRegistry(platform.ports);
  });
  afterAll(async () => platform?.stop());

  async function run(): Promise<Workflow> {
    const started = await api(platform, '/workflows', { json: REQUEST });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return waitForWorkflow(platform, started.body.id, ended, 180_000);
  }
  const trainResult = (workflow: Workflow) => workflow.steps.find((s) => s.target === TARGETS.gnnTrainer)?.result as TrainOutcome;

  let first: Workflow;
  it('succeeds with a graph per window and a registered model scored beside its baselines', async () => {
    first = await run();
    expect(first.status, first.reason ?? '').toBe('succeeded');
    expect(first.steps.map((s) => s.target).sort()).toEqual(
      [...Array(5).fill(TARGETS.persister), ...Array(5).fill(TARGETS.loader), TARGETS.gnnTrainer, TARGETS.graphBuilder].sort(),
    );

    // Four days of 5m bars in windows of 24: 48 graphs of the five symbols, none missing data.
    const graph = first.steps.find((s) => s.target === TARGETS.graphBuilder)!;
    expect(graph.result).toMatchObject({ kind: 'graph', graph: graph.collection_name, windows: 48, vertices: 240, missing: [] });
    const stored = await platform.ports.store.get<GraphDoc>(GRAPHS, graph.collection_name);
    expect(stored?.symbols).toEqual(SYMBOLS);
    // The simulator's markets share a factor: their returns correlate, so the graphs have edges.
    expect(graph.result?.kind === 'graph' && graph.result.edges).toBeGreaterThan(48 * 5);

    const trained = trainResult(first);
    expect(trained).toMatchObject({ kind: 'train', model: 'models:/gcn-direction/1', version: 1, champion: { moved: true } });
    expect(trained.aliases.sort()).toEqual(['challenger', 'champion']);
    expect(trained.test_windows).toBeGreaterThanOrEqual(5);
    expect(trained.test_predictions).toBe(trained.test_windows * 5);
    for (const score of [trained.test, trained.baselines.majority, trained.baselines.last_window]) {
      expect(score.accuracy).toBeGreaterThanOrEqual(0);
      expect(score.accuracy).toBeLessThanOrEqual(1);
      expect(Math.abs(score.mcc)).toBeLessThanOrEqual(1);
    }
  }, 240_000);

  it('keeps the model in the registry with its metrics, hyperparameters and lineage; it loads and predicts', async () => {
    const version = await registry.resolve('models:/gcn-direction@champion');
    const trained = trainResult(first);
    expect(version.version).toBe(1);
    expect(version.metrics).toMatchObject({ test_accuracy: trained.test.accuracy, test_mcc: trained.test.mcc, majority_accuracy: trained.baselines.majority.accuracy });
    expect(version.hyperparameters).toMatchObject({ hidden: 16, window_bars: 24, stride_bars: 24, seed: 7 });
    expect(version.lineage).toEqual({
      workflow_id: first.id,
      symbols: SYMBOLS,
      time_range: '2024-08-01:2024-08-05',
      graph: first.steps.find((s) => s.target === TARGETS.graphBuilder)!.collection_name,
    });
    const model = await loadGcn((await registry.load(version)).files);
    expect(model.symbols).toEqual(SYMBOLS);
    const features = SYMBOLS.map((_, i) => ({ log_return: 0.01 * (i - 2), realized_vol: 0.002, rsi: 40 + 5 * i, volume_z: 0.5 }));
    const adjacency = SYMBOLS.map((_, i) => SYMBOLS.map((__, j) => (i === j ? 0 : 0.6)));
    const probabilities = model.predict({ features, adjacency });
    expect(probabilities).toHaveLength(5);
    for (const p of probabilities) {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
    }
    model.dispose();
  });

  it('reproduces the model on a re-run, and a challenger that only ties leaves champion where it is', async () => {
    const second = await run();
    expect(second.status, second.reason ?? '').toBe('succeeded');
    const again = trainResult(second);
    const before = trainResult(first);
    expect(again).toMatchObject({ model: 'models:/gcn-direction/2', aliases: ['challenger'], test: before.test, baselines: before.baselines, champion: { moved: false } });
    expect(again.champion.reason).toMatch(/^stays at version 1: this version does not beat it \(MCC /);
    expect((await registry.resolve('models:/gcn-direction@champion')).version).toBe(1);
    expect((await registry.resolve('models:/gcn-direction@challenger')).version).toBe(2);
  }, 240_000);
});
