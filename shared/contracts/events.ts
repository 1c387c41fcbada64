// queue-events: progress reports from the functions to the orchestrator, in the seed's exact format.
import { z } from 'zod';
import { dataTypeSchema } from './workflow.ts';

export const EVENTS_TOPIC = 'queue-events';

export const stepStatusSchema = z.enum(['started', 'loading', 'finished', 'error', 'cancelled', 'interrupted']);
export type StepStatus = z.infer<typeof stepStatusSchema>;

export const queueEventSchema = z.strictObject({
  queue_id: z.string().min(1),
  producer: z.string().regex(/^[a-z0-9-]+__[a-z0-9]+$/, 'must be <function>__<suffix>'),
  symbol: z.string().min(1),
  type: dataTypeSchema,
  status: stepStatusSchema,
  message: z.string(),
  records_written: z.number().int().nonnegative(),
  finished: z.boolean(),
  timestamp: z.number().positive(),
});

export type QueueEvent = z.infer<typeof queueEventSchema>;
