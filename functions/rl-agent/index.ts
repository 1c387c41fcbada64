// rl-agent, training: the workflow's rl_train step. Walk-forward: for each fold, PPO trains on the
// fold's training bars of every symbol (one environment each), starting from the previous fold's weights,
// and the policy is then scored on the fold's test bars — bars it never saw — against buy-and-hold, both
// after fees and slippage. Every fold's policy goes into one registered version with `walk-forward.json`,
// so the backtester can score each fold with the policy trained before it, and the live agent trades with
// the newest. Registration is one step after training: a crash before it leaves no version at all.
import { z } from 'zod';
import { barsPerYear } from '../../shared/analytics/indicators.ts';
import type { FoldSpan } from '../../shared/analytics/walk-forward.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import type { RlTrainOptions, RlTrainOutcome } from '../../shared/contracts/pipeline.ts';
import { timeRangeSchema } from '../../shared/contracts/time-range.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import { deriveSeed } from '../../shared/ml/random.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import { holdThroughout } from '../../shared/trading/choosers.ts';
import type { PriceBar } from '../../shared/trading/execution.ts';
import type { Strategy } from '../../shared/trading/simulate.ts';
import { PACKAGE_FILE, PACKAGE_FRAMEWORK, type PackageManifest, foldPrefix } from '../../shared/trading/ppo/manifest.ts';
import { runWalkForward } from '../../shared/trading/walk-forward.ts';
import { type WorkflowBars, readWorkflowBars } from '../../shared/trading/workflow-bars.ts';
import { challengeChampion } from './champion.ts';
import type { PpoNetworks, PpoStats } from './ppo.ts';

export interface RlAgentOptions {
  /** Called after every PPO update, after the step's own progress report (tests use it to crash mid-training). */
  readonly afterUpdate?: (fold: number, stats: PpoStats) => void | Promise<void>;
}

const REPORT_EVERY_MS = 1000;
const FOLD_SEED = 11;

export function createRlTrainer(options: RlAgentOptions = {}): FunctionDefinition {
  return { name: 'rl-agent', target: TARGETS.rlAgent, run: (ctx) => train(ctx, options) };
}

interface TrainedFold {
  readonly span: FoldSpan;
  readonly actor: PpoNetworks['actor'];
}

async function train(ctx: StepContext, options: RlAgentOptions): Promise<StepResult> {
  const data = await readWorkflowBars(ctx, 'rl-agent');
  const settings = data.stage.options.rl_train;
  // tfjs is loaded when a step needs it, not when the function starts.
  const [{ TradingEnvironment }, { trainPpo }, { savePolicy, policyMeta }, { PpoPolicy }] = await Promise.all([
    import('./environment.ts'),
    import('./ppo.ts'),
    import('../../shared/trading/ppo/artifacts.ts'),
    import('../../shared/trading/ppo/policy.ts'),
  ]);

  const trained: TrainedFold[] = [];
  let previous: PpoNetworks | undefined;
  let steps = 0;
  let lastReport = Date.now();
  try {
    for (const span of data.folds) {
      const environments = data.series.flatMap(({ bars }) => {
        const train = within(bars, span.train);
        try {
          return [new TradingEnvironment({ bars: train, costs: data.stage.options.costs, window: settings.window, episode_bars: settings.episode_bars })];
        } catch {
          return []; // Too few usable bars in this symbol's training period: the other symbols train.
        }
      });
      if (environments.length === 0) throw new NonRetriableError(`fold ${span.fold} has no symbol with enough usable training bars for an episode of ${settings.episode_bars}`);
      const result = await trainPpo(
        environments,
        { ...settings, seed: deriveSeed(settings.seed, FOLD_SEED, span.fold) },
        {
          signal: ctx.signal,
          ...(previous ? { initial: previous } : {}),
          onUpdate: async (stats) => {
            if (Date.now() - lastReport >= REPORT_EVERY_MS) {
              lastReport = Date.now();
              const reward = stats.meanEpisodeReward === null ? '' : `, mean episode reward ${stats.meanEpisodeReward.toFixed(3)}`;
              await ctx.report({
                message: `Fold ${span.fold + 1} of ${data.folds.length}: ${stats.steps} steps${reward}, ${Math.round(stats.stepsPerSecond)} steps/s`,
                records_written: steps + stats.steps,
              });
            }
            await options.afterUpdate?.(span.fold, stats);
          },
        },
      );
      steps += result.steps;
      // The previous fold's actor stays in `trained`; only its critic is done with.
      previous?.critic.dispose();
      previous = { actor: result.actor, critic: result.critic };
      trained.push({ span, actor: result.actor });
    }

    const scores = await scoreFolds(data, trained, (actor) => new PpoPolicy(actor, settings.window));
    const files = new Map<string, Uint8Array>();
    for (const { span, actor } of trained) for (const [path, body] of await savePolicy(actor, policyMeta(settings.window, steps), foldPrefix(span.fold))) files.set(path, body);
    const manifest: PackageManifest = {
      interval_ms: data.intervalMs,
      folds: trained.map(({ span }) => ({ fold: span.fold, train: span.train, test: span.test, prefix: foldPrefix(span.fold) })),
    };
    files.set(PACKAGE_FILE, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
    ctx.signal.throwIfAborted();

    const registry = new ModelRegistry(ctx);
    const champion = await challengeChampion(registry, settings.model, data, scores.lastFold);
    const { command } = ctx;
    const version = await registry.register({
      name: settings.model,
      // A tfjs actor per fold, each checked when loaded, rather than one model.json at the root.
      framework: PACKAGE_FRAMEWORK,
      description: `PPO trading policy (buy / sell / hold, long or flat) per walk-forward fold over ${data.series.length} symbols' ${data.interval} bars`,
      hyperparameters: { ...hyperparameters(settings), costs: { ...data.stage.options.costs }, walk_forward: { ...data.stage.options.walk_forward }, interval: data.interval },
      metrics: {
        test_return: scores.testReturn,
        buy_and_hold_return: scores.holdReturn,
        ...(scores.testSharpe === null ? {} : { test_sharpe: scores.testSharpe }),
        folds: trained.length,
        steps,
      },
      lineage: { workflow_id: data.stage.workflow_id, symbols: data.series.map((s) => s.symbol), time_range: z.encode(timeRangeSchema, command.time_range) },
      artifacts: [...files].map(([path, body]) => ({ path, body })),
      signal: ctx.signal,
    });
    ctx.instrumentation.emit('model.registered', { fn: 'rl-agent', model: settings.model, version: version.version });
    await registry.setAlias(settings.model, 'challenger', version.version);
    if (champion.moves) await registry.setAlias(settings.model, 'champion', version.version);
    const registered = await registry.resolve(version.uri);

    const result: RlTrainOutcome = {
      kind: 'rl_train',
      model: version.uri,
      version: version.version,
      aliases: [...registered.aliases].sort(),
      steps,
      folds: scores.folds,
      test_return: scores.testReturn,
      buy_and_hold_return: scores.holdReturn,
      test_sharpe: scores.testSharpe,
      champion: { moved: champion.moves, reason: champion.reason },
      rejected_bars: data.rejectedBars,
    };
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    return {
      records_written: steps,
      message:
        `Registered ${version.uri}: ${steps} steps over ${trained.length} folds; out of sample ${pct(scores.testReturn)} against buy-and-hold ${pct(scores.holdReturn)}, after costs; champion ${champion.reason}` +
        (data.rejected ? `; left out: ${data.rejected}` : ''),
      result,
    };
  } finally {
    previous?.critic.dispose();
    for (const { actor } of trained) actor.dispose();
  }
}

const within = (bars: readonly PriceBar[], span: { from: number; to: number }) => bars.filter((b) => b.open_time >= span.from && b.open_time < span.to);
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

export interface FoldScores {
  readonly folds: RlTrainOutcome['folds'];
  readonly testReturn: number;
  readonly holdReturn: number;
  readonly testSharpe: number | null;
  /** The last fold, which decides between this version and the champion. */
  readonly lastFold: { readonly span: FoldSpan; readonly testReturn: number };
}

/** Each fold's policy on its own test bars, beside buy-and-hold, through the backtest's walk-forward runner. */
async function scoreFolds(data: WorkflowBars, trained: readonly TrainedFold[], policyOf: (actor: TrainedFold['actor']) => Strategy): Promise<FoldScores> {
  const costs = data.stage.options.costs;
  const runOptions = { costs, initialCash: 1, periodsPerYear: barsPerYear(data.intervalMs), intervalMs: data.intervalMs };
  const folds = trained.map((t) => t.span);
  const byFold = new Map(trained.map((t) => [t.span.fold, t.actor]));
  const agent = await Promise.all(
    data.series.map((s) =>
      runWalkForward('ppo', s.symbol, s.bars, folds, (fold) => ({ strategy: policyOf(byFold.get(fold.fold)!), params: { policy_fold: fold.fold } }), runOptions),
    ),
  );
  const hold = await Promise.all(data.series.map((s) => runWalkForward('buy_and_hold', s.symbol, s.bars, folds, holdThroughout, runOptions)));
  const foldReturn = (results: typeof agent, fold: number) => mean(results.flatMap((r) => r.folds.filter((f) => f.fold === fold).map((f) => f.performance.total_return)));
  const sharpes = agent.map((r) => r.aggregate.sharpe).filter((s): s is number => s !== null);
  const last = folds.at(-1)!;
  return {
    folds: folds.map((span) => {
      const foldSharpes = agent.flatMap((r) => r.folds.filter((f) => f.fold === span.fold).map((f) => f.performance.sharpe)).filter((s): s is number => s !== null);
      return {
        fold: span.fold,
        test_return: foldReturn(agent, span.fold),
        buy_and_hold_return: foldReturn(hold, span.fold),
        test_sharpe: foldSharpes.length ? mean(foldSharpes) : null,
      };
    }),
    testReturn: mean(agent.map((r) => r.aggregate.total_return)),
    holdReturn: mean(hold.map((r) => r.aggregate.total_return)),
    testSharpe: sharpes.length ? mean(sharpes) : null,
    lastFold: { span: last, testReturn: foldReturn(agent, last.fold) },
  };
}

const hyperparameters = (o: RlTrainOptions) => ({ ...o, layers: 2, activation: 'tanh', actions: ['buy', 'sell', 'hold'], optimizer: 'adam' });
