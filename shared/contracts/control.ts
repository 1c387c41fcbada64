// queue-control: commands from the orchestrator to the functions, in the seed's exact format.
import { z } from 'zod';
import { dataTypeSchema } from './data-type.ts';
import { collectionNameSchema, queueIdSchema, symbolSchema, telemetryIdSchema, topicNameSchema } from './names.ts';
import { stageCommandSchema } from './pipeline.ts';
import { timeRangeSchema } from './time-range.ts';
import { defineTopic } from './topic.ts';

export const controlCommandSchema = z.strictObject({
  command: z.enum(['start', 'stop']),
  queue_id: queueIdSchema,
  target: z.string().min(1),
  symbol: symbolSchema,
  type: dataTypeSchema,
  time_range: timeRangeSchema,
  kafka_topic: topicNameSchema,
  collection_name: collectionNameSchema,
  telemetry_id: telemetryIdSchema,
  image: z.string().min(1),
  timestamp: z.number().positive(),
  /** A pipeline stage's command: the workflow's symbols and the stage options (absent for data steps). */
  stage: stageCommandSchema.optional(),
});

export type ControlCommand = z.output<typeof controlCommandSchema>;

/**
 * The workflow a command belongs to, beside the seed's fields rather than among them: a header on the
 * command's record, and STEP_WORKFLOW_ID for a Job's pod. Every log line of the step names it.
 */
export const WORKFLOW_ID_HEADER = 'x-workflow-id';

/**
 * Each function has its own command topic, so a command wakes only the function it targets: KEDA
 * scales on lag per group and topic, and a shared topic would wake every function for every command.
 */
export const controlTopicFor = (target: string) => defineTopic(`queue-control-${target}`, { schema: controlCommandSchema, key: (command) => command.queue_id });
