// gnn-trainer: a graph convolutional network on the workflow's symbol graphs, predicting each symbol's
// next-window direction. Trained on the earliest windows, stopped early on the next, scored on the last
// beside the majority and "same as last window" baselines; then registered in one step with its metrics,
// hyperparameters and lineage, so a crash before that leaves no version at all. `challenger` moves to
// every new version; `champion` only to one that beats the champion on the same test windows.
import { z } from 'zod';
import { type EdgeDoc, GRAPHS, type GraphDoc, type VertexDoc } from '../../shared/contracts/graph.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import type { Score, TrainOptions, TrainOutcome } from '../../shared/contracts/pipeline.ts';
import { timeRangeSchema } from '../../shared/contracts/time-range.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import type { GcnDataset } from './dataset.ts';
import type { EpochProgress } from './train.ts';

export interface GnnTrainerOptions {
  /** Called after every epoch, after the step's own progress report (tests use it to crash mid-training). */
  readonly afterEpoch?: (progress: EpochProgress) => void | Promise<void>;
}

const REPORT_EVERY_MS = 1000;
const score = (s: { accuracy: number; mcc: number }): Score => ({ accuracy: s.accuracy, mcc: s.mcc });

export function createGnnTrainer(options: GnnTrainerOptions = {}): FunctionDefinition {
  return { name: 'gnn-trainer', target: TARGETS.gnnTrainer, run: (ctx) => train(ctx, options) };
}

async function train(ctx: StepContext, options: GnnTrainerOptions): Promise<StepResult> {
  const { command, store, signal } = ctx;
  const stage = command.stage;
  if (!stage) throw new NonRetriableError('gnn-trainer needs a pipeline command (its symbols and options)');
  const settings = stage.options.train;
  const graphName = command.collection_name;
  const graph = await store.get<GraphDoc>(GRAPHS, graphName);
  if (!graph) throw new NonRetriableError(`no graph ${graphName} is stored; the workflow's graph step builds it first`);

  // tfjs is loaded when a step needs it, not when the function starts.
  const [{ prepareDataset }, { trainGcn }, { saveGcn, preprocessingFor, PREPROCESSING_FILE }] = await Promise.all([
    import('./dataset.ts'),
    import('./train.ts'),
    import('./artifacts.ts'),
  ]);
  const vertices = await store.query<VertexDoc>(graph.vertices, { field: 'window' });
  const edges = await store.query<EdgeDoc>(graph.edges, { field: 'window' });
  const dataset = prepareDataset(graph, vertices, edges, { validation: settings.validation, test: settings.test });

  let lastReport = Date.now();
  const trained = await trainGcn(dataset, settings, {
    signal,
    onEpoch: async (progress) => {
      if (Date.now() - lastReport >= REPORT_EVERY_MS) {
        lastReport = Date.now();
        const losses = `train loss ${progress.trainLoss.toFixed(4)}, validation loss ${progress.validationLoss.toFixed(4)} (best epoch ${progress.bestEpoch})`;
        await ctx.report({ message: `Epoch ${progress.epoch} of at most ${settings.max_epochs}: ${losses}`, records_written: progress.epoch });
      }
      await options.afterEpoch?.(progress);
    },
  });
  try {
    const report = trained.test;
    const test = score(report.model);
    const registry = new ModelRegistry(ctx);
    const champion = await challengeChampion(registry, settings.model, graph, dataset, test);
    const files = await saveGcn(trained.model, preprocessingFor(graph, dataset.scaler));
    signal.throwIfAborted();
    const version = await registry.register({
      name: settings.model,
      framework: 'tfjs',
      description: `GCN predicting each symbol's direction over the next ${graph.window_bars} bars, from ${graph.symbols.length} symbols' window graphs`,
      hyperparameters: { ...hyperparameters(settings), window_bars: graph.window_bars, stride_bars: graph.stride_bars, threshold: graph.threshold, features: PREPROCESSING_FILE },
      metrics: {
        test_accuracy: test.accuracy,
        test_mcc: test.mcc,
        test_loss: report.model.loss,
        majority_accuracy: report.baselines.majority.accuracy,
        majority_mcc: report.baselines.majority.mcc,
        last_window_accuracy: report.baselines.lastDirection.accuracy,
        last_window_mcc: report.baselines.lastDirection.mcc,
        test_windows: report.samples,
        test_predictions: report.model.nodes,
        epochs: trained.epochs,
        best_epoch: trained.bestEpoch,
      },
      lineage: { workflow_id: stage.workflow_id, symbols: [...graph.symbols], time_range: z.encode(timeRangeSchema, command.time_range), graph: graphName },
      artifacts: [...files].map(([path, body]) => ({ path, body })),
      signal,
    });
    ctx.instrumentation.emit('model.registered', { fn: 'gnn-trainer', model: settings.model, version: version.version });
    await registry.setAlias(settings.model, 'challenger', version.version);
    if (champion.moves) await registry.setAlias(settings.model, 'champion', version.version);
    const registered = await registry.resolve(version.uri);

    const result: TrainOutcome = {
      kind: 'train',
      model: version.uri,
      version: version.version,
      aliases: [...registered.aliases].sort(),
      epochs: trained.epochs,
      best_epoch: trained.bestEpoch,
      test_windows: report.samples,
      test_predictions: report.model.nodes,
      test,
      baselines: { majority: score(report.baselines.majority), last_window: score(report.baselines.lastDirection) },
      champion: { moved: champion.moves, reason: champion.reason },
    };
    const pct = (s: Score) => `${(s.accuracy * 100).toFixed(1)}%`;
    return {
      records_written: trained.epochs,
      message:
        `Registered ${version.uri} after ${trained.epochs} epochs (best ${trained.bestEpoch}): test accuracy ${pct(test)}, MCC ${test.mcc.toFixed(3)} on ${report.samples} windows; ` +
        `majority ${pct(result.baselines.majority)}, same as last window ${pct(result.baselines.last_window)}; champion ${champion.reason}`,
      result,
    };
  } finally {
    trained.model.dispose();
  }
}

const hyperparameters = (t: TrainOptions) => ({
  hidden: t.hidden,
  learning_rate: t.learning_rate,
  dropout: t.dropout,
  l2: t.l2,
  max_epochs: t.max_epochs,
  patience: t.patience,
  seed: t.seed,
  validation: t.validation,
  test: t.test,
  layers: 2,
  adjacency: 'D^-1/2 (|rho| + I) D^-1/2',
});

/**
 * Whether the new model should be champion: there is none yet, or it scores a higher MCC than the champion
 * on this run's test windows. A champion over other symbols or other windows cannot be scored on them, so
 * it stays (the new version is still the challenger).
 */
async function challengeChampion(registry: ModelRegistry, name: string, graph: GraphDoc, dataset: GcnDataset, test: Score): Promise<{ moves: boolean; reason: string }> {
  const current = await registry.find(`models:/${name}@champion`);
  if (!current) return { moves: true, reason: "moved to this version, the model's first" };
  const [{ loadGcn }, { evaluateModel }] = await Promise.all([import('./artifacts.ts'), import('./evaluate.ts')]);
  const loaded = await loadGcn((await registry.load(current)).files);
  try {
    const stays = `stays at version ${current.version}`;
    if (loaded.symbols.join() !== dataset.symbols.join()) return { moves: false, reason: `${stays}: it predicts ${loaded.symbols.join(', ')}, not this graph's symbols` };
    const theirWindows = loaded.preprocessing;
    if (theirWindows.window_bars !== graph.window_bars || theirWindows.stride_bars !== graph.stride_bars || theirWindows.interval_ms !== graph.interval_ms) {
      return {
        moves: false,
        reason: `${stays}: it was trained on windows of ${theirWindows.window_bars} bars every ${theirWindows.stride_bars}, these are ${graph.window_bars} every ${graph.stride_bars}`,
      };
    }
    const theirs = evaluateModel(loaded.model, dataset.split.test, loaded.preprocessing.scaler);
    const theirScore = `MCC ${theirs.mcc.toFixed(3)}, accuracy ${(theirs.accuracy * 100).toFixed(1)}% on the same test windows`;
    return test.mcc > theirs.mcc
      ? { moves: true, reason: `moved to this version, which beats version ${current.version} (${theirScore})` }
      : { moves: false, reason: `${stays}: this version does not beat it (${theirScore})` };
  } finally {
    loaded.dispose();
  }
}
