// Workflows as the API, the store and the CLI see them: the request, the statuses, a workflow and its
// steps. Wire forms (time_range, type) are decoded once, here.
import { z } from 'zod';
import { dataTypeSchema, formatDataType } from './data-type.ts';
import { symbolSchema, targetSchema } from './names.ts';
import { CROSS_SYMBOL_STAGES, PIPELINE_STAGES, type PipelineStage, STAGE_NEEDS, pipelineOptionsSchema, pipelineStageSchema, stepOutcomeSchema } from './pipeline.ts';
import { timeRangeSchema } from './time-range.ts';

function unique<T>(describe: (item: T) => string, what: string) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const name = describe(item);
      const first = seen.get(name);
      if (first === undefined) seen.set(name, i);
      else ctx.addIssue({ code: 'custom', path: [i], message: `${name} is listed twice (also ${what}[${first}]); list each once` });
    });
  };
}

export const workflowRequestSchema = z
  .strictObject({
    symbols: z
      .array(symbolSchema)
      .min(1, 'must list at least one symbol')
      .max(200)
      .superRefine(unique((s: string) => s, 'symbols')),
    types: z.array(dataTypeSchema).min(1, 'must list at least one type').max(20).superRefine(unique(formatDataType, 'types')),
    time_range: timeRangeSchema,
    /** Stages after the data is stored, in order: e.g. ["graph", "train"], ["backtest"] or ["rl_train", "backtest"]. */
    pipeline: z
      .array(pipelineStageSchema)
      .max(PIPELINE_STAGES.length)
      .superRefine(unique((s: string) => s, 'pipeline'))
      .optional(),
    /** Options of the pipeline's stages; defaults for whatever is left out. */
    options: pipelineOptionsSchema.optional(),
  })
  .superRefine(checkPipeline);
export type WorkflowRequest = z.output<typeof workflowRequestSchema>;

/** The candle type the pipeline's stages read: the request's one history candle type. */
export const pipelineCandleType = (request: Pick<WorkflowRequest, 'types'>) => request.types.find((t) => t.source === 'api' && t.kind === 'candles');

/** A pipeline builds graphs from stored history candles of several symbols; each stage needs the one before. */
function checkPipeline(request: { symbols: string[]; types: WorkflowRequest['types']; pipeline?: PipelineStage[] | undefined }, ctx: z.RefinementCtx) {
  const stages = request.pipeline ?? [];
  if (stages.length === 0) return;
  const named = stages.map((s) => `"${s}"`).join(', ');
  if (request.symbols.length < 2 && stages.some((s) => CROSS_SYMBOL_STAGES.includes(s))) {
    ctx.addIssue({ code: 'custom', path: ['symbols'], message: `the pipeline (${named}) builds a graph between symbols: list at least two, not ${request.symbols.length}` });
  }
  const candles = request.types.filter((t) => t.source === 'api' && t.kind === 'candles');
  if (candles.length !== 1) {
    const listed = candles.length ? `it lists ${candles.map(formatDataType).join(', ')}` : 'it lists none';
    ctx.addIssue({
      code: 'custom',
      path: ['types'],
      message: `the pipeline (${named}) reads stored candles: list exactly one history candle type such as api_candles_5m; ${listed}`,
    });
  }
  stages.forEach((stage, i) => {
    const needed = STAGE_NEEDS[stage];
    if (needed && !stages.slice(0, i).includes(needed)) ctx.addIssue({ code: 'custom', path: ['pipeline', i], message: `"${stage}" needs "${needed}" before it` });
    const earlier = stages[i - 1];
    if (earlier && PIPELINE_STAGES.indexOf(earlier) > PIPELINE_STAGES.indexOf(stage)) {
      ctx.addIssue({ code: 'custom', path: ['pipeline', i], message: `"${stage}" must come before "${earlier}": stages run in the order ${PIPELINE_STAGES.join(', ')}` });
    }
  });
}

export const WORKFLOW_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const workflowStatusSchema = z.enum(WORKFLOW_STATUSES);
export type WorkflowStatus = z.infer<typeof workflowStatusSchema>;
/** A step moves through the same states as its workflow. */
const stepStatusSchema = workflowStatusSchema;
export const isTerminal = (status: WorkflowStatus) => status === 'succeeded' || status === 'failed' || status === 'cancelled';

const isoTime = z.iso.datetime();

export const stepSchema = z.object({
  /** `${queue_id}__${target}` */
  id: z.string(),
  queue_id: z.string(),
  target: targetSchema,
  symbol: symbolSchema,
  type: dataTypeSchema,
  kafka_topic: z.string(),
  collection_name: z.string(),
  telemetry_id: z.string(),
  /** Steps that must have succeeded before this one starts. */
  depends_on: z.array(z.string()),
  /** The consumer group this step reads its kafka_topic in, when it reads one. */
  consumer_group: z.string().nullable(),
  status: stepStatusSchema,
  records_written: z.number().int().nonnegative(),
  message: z.string(),
  /** Commands the orchestrator sent for this step (more than one after a restart on a bus that lost them). */
  attempts: z.number().int().nonnegative(),
  /** The function's own retries: the attempt that failed last, its error, and when the next starts. */
  retry: z.object({ attempt: z.number().int().positive(), error: z.string(), next_at: isoTime.nullable() }).nullable(),
  started_at: isoTime.nullable(),
  ended_at: isoTime.nullable(),
  /** When the function last reported on this step; a step silent for too long fails. */
  heard_at: isoTime.nullable(),
  /** In a cluster: the Job and pod running the step (null until known). */
  job: z.string().nullable(),
  pod: z.string().nullable(),
  /** What a pipeline stage produced (a graph, a registered model and its scores), once it succeeded. */
  result: stepOutcomeSchema.optional(),
});
export type Step = z.output<typeof stepSchema>;

export const workflowSchema = z.object({
  id: z.string(),
  request: workflowRequestSchema,
  status: workflowStatusSchema,
  reason: z.string().nullable(),
  created_at: isoTime,
  updated_at: isoTime,
  /** Where its steps run: in this process (local), on pods KEDA starts (keda), on a Job per step (jobs). */
  launch: z.enum(['local', 'keda', 'jobs']),
  /** When the workflow's data topics may be deleted (set when it ends), and whether they were. */
  data_topics: z.object({ delete_after: isoTime.nullable(), deleted: z.boolean() }),
  steps: z.array(stepSchema),
});
export type Workflow = z.output<typeof workflowSchema>;
