// queue-events: progress reports from the functions to the orchestrator, in the seed's format. A step
// being retried says so: status "retrying" with the attempt that failed and when the next one starts;
// in a cluster a report also names the pod and Job it comes from.
import { z } from 'zod';
import { dataTypeSchema } from './data-type.ts';
import { telemetryIdSchema } from './names.ts';
import { stepOutcomeSchema } from './pipeline.ts';
import { defineTopic } from './topic.ts';

/** What a function reports about a step. Only the last three end it for the orchestrator. */
const STEP_REPORTS = ['started', 'loading', 'retrying', 'interrupted', 'finished', 'error', 'cancelled'] as const;
export const stepReportSchema = z.enum(STEP_REPORTS);
export type StepReport = z.infer<typeof stepReportSchema>;

export const queueEventSchema = z.strictObject({
  queue_id: z.string().min(1),
  producer: telemetryIdSchema,
  symbol: z.string().min(1),
  type: dataTypeSchema,
  status: stepReportSchema,
  message: z.string(),
  records_written: z.number().int().nonnegative(),
  finished: z.boolean(),
  timestamp: z.number().positive(),
  /** With status "retrying": the attempt that failed (1 for the first) and when the next starts (epoch seconds). */
  attempt: z.number().int().positive().optional(),
  retry_at: z.number().positive().optional(),
  /** In a cluster: the pod (and the Job it belongs to) that runs the step, so its failures reach the step. */
  pod: z.string().min(1).optional(),
  job: z.string().min(1).optional(),
  /** With status "finished": what a pipeline stage produced. */
  result: stepOutcomeSchema.optional(),
});

export type QueueEvent = z.output<typeof queueEventSchema>;

export const eventsTopic = defineTopic('queue-events', { schema: queueEventSchema, key: (event) => event.queue_id });
