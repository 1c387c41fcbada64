// A workflow's timeline, as the API serves it and the CLI reads it: every report its functions sent on
// queue-events, and everything the orchestrator decided about it that no function reports (commands
// dispatched and stopped, steps failed by the clock or by their pod, how the workflow ended), in order.
import { z } from 'zod';
import { stepReportSchema } from './events.ts';

/** What the orchestrator itself decided. Workflow-wide decisions carry no step. */
export const ORCHESTRATOR_DECISIONS = [
  'workflow_created',
  'workflow_resumed',
  'dispatched',
  'placed',
  'timed_out',
  'pod_failed',
  'stop_sent',
  'workflow_succeeded',
  'workflow_failed',
  'workflow_cancelled',
] as const;
export type OrchestratorDecision = (typeof ORCHESTRATOR_DECISIONS)[number];

export const timelineKindSchema = z.enum([...stepReportSchema.options, ...ORCHESTRATOR_DECISIONS]);
export type TimelineKind = z.infer<typeof timelineKindSchema>;

export const timelineEntrySchema = z.object({
  seq: z.number().int().positive().describe("the entry's place in its workflow's timeline, from 1; pass it as ?after= to read what came after"),
  time: z.iso.datetime().describe("when it happened: a report's own timestamp, or when the orchestrator decided"),
  source: z.enum(['function', 'orchestrator']).describe('a report on queue-events, or a decision of the orchestrator'),
  kind: timelineKindSchema.describe("a report's status (started, loading, retrying, interrupted, finished, error, cancelled) or the orchestrator's decision"),
  /** The step it is about (absent for the workflow as a whole): its queue and the function that runs it. */
  queue_id: z.string().optional(),
  target: z.string().optional(),
  symbol: z.string().optional(),
  type: z.string().optional().describe('the data type on the wire, e.g. api_trades'),
  message: z.string().describe("the report's message, or the decision's reason"),
  records_written: z.number().int().nonnegative().optional().describe('records the step had written by then'),
  attempt: z.number().int().positive().optional().describe('retrying: the attempt that failed (1 for the first)'),
  retry_at: z.iso.datetime().optional().describe('retrying: when the next attempt starts'),
  pod: z.string().optional(),
  job: z.string().optional(),
});
export type TimelineEntry = z.output<typeof timelineEntrySchema>;
