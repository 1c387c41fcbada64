// What the orchestrator's `/ws` sends, as its readers parse it: a workflow's snapshot, then changes that
// carry its status and the steps an update touched, applied to the reader's copy.
import { z } from 'zod';
import { type Step, type Workflow, stepSchema, workflowSchema, workflowStatusSchema } from './workflow.ts';

export const workflowSocketMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), workflow: workflowSchema }),
  z.object({ type: z.literal('change'), workflow_id: z.string(), status: workflowStatusSchema, reason: z.string().nullable(), steps: z.array(stepSchema) }),
]);
export type WorkflowSocketMessage = z.output<typeof workflowSocketMessageSchema>;

export function applyChange(workflow: Workflow, change: { status: Workflow['status']; reason: string | null; steps: readonly Step[] }): Workflow {
  const changed = new Map(change.steps.map((step) => [step.id, step]));
  return { ...workflow, status: change.status, reason: change.reason, steps: workflow.steps.map((step) => changed.get(step.id) ?? step) };
}
