// The stages a workflow runs after its data is stored (graph, then train), their options, what their
// commands carry, and the outcome each reports, which the orchestrator keeps on the step.
import { z } from 'zod';
import { STRATEGIES, strategyNameSchema } from './backtest.ts';
import { graphOptionsSchema } from './graph.ts';
import { modelNameSchema } from './models.ts';
import { symbolSchema } from './names.ts';

/** The stages a request may list, in the order they must come: graph before train, rl_train before backtest. */
export const PIPELINE_STAGES = ['graph', 'train', 'rl_train', 'backtest'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
export const pipelineStageSchema = z.enum(PIPELINE_STAGES);
/** A stage that cannot run without the one named: train fits on the graphs. */
export const STAGE_NEEDS: Readonly<Partial<Record<PipelineStage, PipelineStage>>> = { train: 'graph' };
/** Stages that relate symbols to each other and so need two or more. */
export const CROSS_SYMBOL_STAGES: readonly PipelineStage[] = ['graph', 'train'];

export const trainOptionsSchema = z.strictObject({
  /** The registered model the version goes to. */
  model: modelNameSchema.default('gcn-direction'),
  hidden: z.number().int().min(2).max(256).default(16),
  learning_rate: z.number().positive().max(1).default(0.01),
  dropout: z.number().min(0).max(0.9).default(0.2),
  l2: z.number().min(0).max(1).default(0.0005),
  max_epochs: z.number().int().min(1).max(5000).default(200),
  patience: z.number().int().min(1).max(1000).default(10),
  /** Seeds the initial weights, dropout and the order of the training windows: the same seed trains the same model. */
  seed: z.number().int().nonnegative().default(7),
  /** Shares of the windows, in time order: the earliest train, then validation, then test. */
  validation: z.number().gt(0).lt(0.5).default(0.15),
  test: z.number().gt(0).lt(0.5).default(0.15),
});
export type TrainOptions = z.output<typeof trainOptionsSchema>;

/** What every fill pays, in the backtest and in the PPO agent's training environment alike. */
export const costsSchema = z.strictObject({
  /** On each fill's notional: Binance's spot taker fee is 0.1 %. */
  fee_rate: z.number().min(0).max(0.05).default(0.001),
  /** The price moved against each fill: 5 basis points by default. */
  slippage_rate: z.number().min(0).max(0.05).default(0.0005),
});

/**
 * Rolling walk-forward folds over the workflow's bars: fold k fits on bars [k·step, k·step + train) and is
 * scored on the `test_bars` right after. rl_train and backtest share them, so a backtest scores each fold
 * with the policy trained on that fold's training bars.
 */
export const walkForwardSchema = z.strictObject({
  train_bars: z.number().int().min(64).max(1_000_000).default(2016),
  test_bars: z.number().int().min(16).max(1_000_000).default(576),
  /** Bars between the starts of two folds; default test_bars, so the test periods tile without overlap. */
  step_bars: z.number().int().min(1).max(1_000_000).optional(),
});
export type WalkForward = z.output<typeof walkForwardSchema>;

export const rlTrainOptionsSchema = z.strictObject({
  /** The registered model the policy goes to. */
  model: modelNameSchema.default('ppo'),
  /** Bar returns in the agent's observation, besides RSI, position and cash. */
  window: z.number().int().min(2).max(256).default(16),
  /** Units of each of the actor's and the critic's two tanh layers. */
  hidden: z.number().int().min(4).max(512).default(64),
  learning_rate: z.number().positive().max(1).default(0.0003),
  clip: z.number().positive().max(1).default(0.2),
  gamma: z.number().min(0).max(1).default(0.99),
  gae_lambda: z.number().min(0).max(1).default(0.95),
  epochs: z.number().int().min(1).max(100).default(10),
  minibatch: z.number().int().min(1).max(65_536).default(64),
  rollout_steps: z.number().int().min(8).max(1_000_000).default(2048),
  /** Environment steps trained per fold (a multiple of rollout_steps, rounded up). */
  steps_per_fold: z.number().int().min(8).max(100_000_000).default(40_960),
  entropy_coef: z.number().min(0).max(1).default(0.01),
  value_coef: z.number().min(0).max(10).default(0.5),
  max_grad_norm: z.number().positive().max(100).default(0.5),
  /** Bars in a training episode, started at a random bar of the fold's training period. */
  episode_bars: z.number().int().min(8).max(1_000_000).default(256),
  /** Seeds the weights, the episodes' starts and the sampled actions: the same seed trains the same policy. */
  seed: z.number().int().nonnegative().default(7),
});
export type RlTrainOptions = z.output<typeof rlTrainOptionsSchema>;

export const backtestOptionsSchema = z.strictObject({
  /** Default: buy_and_hold and sma_crossover, and ppo when the pipeline trains it or names a model. */
  strategies: z.array(strategyNameSchema).min(1).max(STRATEGIES.length).optional(),
  initial_cash: z.number().positive().default(10_000),
  /** SMA crossover: each fold picks the pair with the best Sharpe on its training bars from these. */
  sma_fast: z.array(z.number().int().min(2).max(10_000)).min(1).max(8).default([6, 12, 24]),
  sma_slow: z.array(z.number().int().min(3).max(20_000)).min(1).max(8).default([48, 96, 192]),
  /** The PPO policy without rl_train before: a reference such as models:/ppo@champion. */
  policy: z.string().min(1).optional(),
});
export type BacktestOptions = z.output<typeof backtestOptionsSchema>;

export const pipelineOptionsSchema = z.strictObject({
  graph: graphOptionsSchema.default({ window_bars: 24, stride_bars: 24, threshold: 0.3 }),
  train: trainOptionsSchema.default(() => trainOptionsSchema.parse({})),
  costs: costsSchema.default(() => costsSchema.parse({})),
  walk_forward: walkForwardSchema.default(() => walkForwardSchema.parse({})),
  rl_train: rlTrainOptionsSchema.default(() => rlTrainOptionsSchema.parse({})),
  backtest: backtestOptionsSchema.default(() => backtestOptionsSchema.parse({})),
});
export type PipelineOptions = z.output<typeof pipelineOptionsSchema>;
export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = pipelineOptionsSchema.parse({});

/** What a stage's command carries beyond the seed's fields: the workflow's symbol set and the options. */
export const stageCommandSchema = z.strictObject({
  workflow_id: z.string().min(1),
  symbols: z.array(symbolSchema).min(1),
  /** Every stage of the workflow, so a stage knows what ran before it (backtest scores rl_train's policy). */
  pipeline: z.array(pipelineStageSchema).default([]),
  options: pipelineOptionsSchema,
});
export type StageCommand = z.output<typeof stageCommandSchema>;

const scoreSchema = z.strictObject({ accuracy: z.number(), mcc: z.number() });
export type Score = z.output<typeof scoreSchema>;

export const graphOutcomeSchema = z.strictObject({
  kind: z.literal('graph'),
  graph: z.string(),
  windows: z.number().int().nonnegative(),
  vertices: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  /** Windows in which a symbol had missing bars: left out of that window's graph, never filled. */
  missing: z.array(z.strictObject({ symbol: symbolSchema, windows: z.number().int().positive() })),
});

export const trainOutcomeSchema = z.strictObject({
  kind: z.literal('train'),
  /** The registered version, e.g. models:/gcn-direction/3. */
  model: z.string(),
  version: z.number().int().positive(),
  aliases: z.array(z.string()),
  epochs: z.number().int().nonnegative(),
  best_epoch: z.number().int().nonnegative(),
  /** Windows and (symbol, window) predictions the scores are computed on. */
  test_windows: z.number().int().nonnegative(),
  test_predictions: z.number().int().nonnegative(),
  test: scoreSchema,
  baselines: z.strictObject({ majority: scoreSchema, last_window: scoreSchema }),
  /** Whether `champion` moved to this version, and why (or why not). */
  champion: z.strictObject({ moved: z.boolean(), reason: z.string() }),
});

export const backtestOutcomeSchema = z.strictObject({
  kind: z.literal('backtest'),
  /** The run in the results store: SELECT * FROM backtest_summaries WHERE run_id = '…'. */
  run_id: z.string(),
  results_store: z.string(),
  folds: z.number().int().nonnegative(),
  /** Per strategy, over the workflow's symbols: the chained test periods' figures. */
  strategies: z.array(
    z.strictObject({
      strategy: strategyNameSchema,
      /** Mean over symbols of each symbol's total return and Sharpe ratio; the worst drawdown. */
      mean_return: z.number(),
      mean_sharpe: z.number().nullable(),
      worst_drawdown: z.number(),
      trades: z.number().int().nonnegative(),
      /** Symbol-folds it traded, and those it could not (with the first reason). */
      folds_traded: z.number().int().nonnegative(),
      folds_skipped: z.number().int().nonnegative(),
      skipped_because: z.string().optional(),
    }),
  ),
  /** Stored candles left out because their prices were not finite, by symbol. */
  rejected_bars: z.array(z.strictObject({ symbol: symbolSchema, bars: z.number().int().positive() })),
});
export type BacktestOutcome = z.output<typeof backtestOutcomeSchema>;

const rejectedBarsSchema = z.array(z.strictObject({ symbol: symbolSchema, bars: z.number().int().positive() }));

/** The policy scored on each fold's test period against buy-and-hold, both after costs, mean over the symbols. */
const rlFoldSchema = z.strictObject({
  fold: z.number().int().nonnegative(),
  test_return: z.number(),
  buy_and_hold_return: z.number(),
  test_sharpe: z.number().nullable(),
});

export const rlTrainOutcomeSchema = z.strictObject({
  kind: z.literal('rl_train'),
  /** The registered version holding a policy per fold, e.g. models:/ppo/3. */
  model: z.string(),
  version: z.number().int().positive(),
  aliases: z.array(z.string()),
  /** Environment steps trained, over all folds. */
  steps: z.number().int().nonnegative(),
  folds: z.array(rlFoldSchema),
  /** The test periods chained, mean over the symbols. */
  test_return: z.number(),
  buy_and_hold_return: z.number(),
  test_sharpe: z.number().nullable(),
  champion: z.strictObject({ moved: z.boolean(), reason: z.string() }),
  rejected_bars: rejectedBarsSchema,
});
export type RlTrainOutcome = z.output<typeof rlTrainOutcomeSchema>;

export const stepOutcomeSchema = z.discriminatedUnion('kind', [graphOutcomeSchema, trainOutcomeSchema, rlTrainOutcomeSchema, backtestOutcomeSchema]);
export type StepOutcome = z.output<typeof stepOutcomeSchema>;
export type GraphOutcome = z.output<typeof graphOutcomeSchema>;
export type TrainOutcome = z.output<typeof trainOutcomeSchema>;
