// The stages a workflow runs after its data is stored (graph, then train), their options, what their
// commands carry, and the outcome each reports, which the orchestrator keeps on the step.
import { z } from 'zod';
import { graphOptionsSchema } from './graph.ts';
import { modelNameSchema } from './models.ts';
import { symbolSchema } from './names.ts';

/** In the order they run; each needs the one before it. */
export const PIPELINE_STAGES = ['graph', 'train'] as const;
export type PipelineStage = (typeof PIPELINE_STAGES)[number];
export const pipelineStageSchema = z.enum(PIPELINE_STAGES);

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

export const pipelineOptionsSchema = z.strictObject({
  graph: graphOptionsSchema.default({ window_bars: 24, stride_bars: 24, threshold: 0.3 }),
  train: trainOptionsSchema.default(() => trainOptionsSchema.parse({})),
});
export type PipelineOptions = z.output<typeof pipelineOptionsSchema>;
export const DEFAULT_PIPELINE_OPTIONS: PipelineOptions = pipelineOptionsSchema.parse({});

/** What a stage's command carries beyond the seed's fields: the workflow's symbol set and the options. */
export const stageCommandSchema = z.strictObject({
  workflow_id: z.string().min(1),
  symbols: z.array(symbolSchema).min(2),
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

export const stepOutcomeSchema = z.discriminatedUnion('kind', [graphOutcomeSchema, trainOutcomeSchema]);
export type StepOutcome = z.output<typeof stepOutcomeSchema>;
export type GraphOutcome = z.output<typeof graphOutcomeSchema>;
export type TrainOutcome = z.output<typeof trainOutcomeSchema>;
