// Starts a workflow on an orchestrator and follows it live until it ends: a snapshot over /ws, then the
// changes it sends, applied to the local copy; a slow poll covers a socket that drops.
import WebSocket from 'ws';
import { z } from 'zod';
import { type Step, type Workflow, isTerminal, stepSchema, workflowSchema, workflowStatusSchema } from '../../shared/contracts/workflow.ts';
import type { ProgressView } from './progress.ts';

export interface WorkflowArguments {
  readonly symbols: readonly string[];
  readonly types: readonly string[];
  readonly time_range: string;
}

const acceptedSchema = z.object({ id: z.string() });
const errorSchema = z.object({ error: z.string() });
const socketMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('snapshot'), workflow: workflowSchema }),
  z.object({ type: z.literal('change'), workflow_id: z.string(), status: workflowStatusSchema, reason: z.string().nullable(), steps: z.array(stepSchema) }),
]);

/** The orchestrator refused the request: its message, and the field it named. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

export async function startWorkflow(url: string, request: WorkflowArguments): Promise<string> {
  const response = await fetch(`${url}/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
  const body: unknown = await response.json();
  if (response.status !== 202) throw new RefusedError(errorSchema.safeParse(body).data?.error ?? response.statusText);
  return acceptedSchema.parse(body).id;
}

async function fetchWorkflow(url: string, id: string): Promise<Workflow> {
  const response = await fetch(`${url}/workflows/${encodeURIComponent(id)}`);
  if (!response.ok) throw new Error(`GET /workflows/${id} answered ${response.status}`);
  return workflowSchema.parse(await response.json());
}

function applyChange(workflow: Workflow, change: { status: Workflow['status']; reason: string | null; steps: Step[] }): Workflow {
  const changed = new Map(change.steps.map((step) => [step.id, step]));
  return { ...workflow, status: change.status, reason: change.reason, steps: workflow.steps.map((step) => changed.get(step.id) ?? step) };
}

/** Resolves to the workflow as it ended. */
export function followWorkflow(url: string, id: string, view: ProgressView, pollEveryMs = 2000): Promise<Workflow> {
  return new Promise<Workflow>((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?workflow=${encodeURIComponent(id)}`);
    let current: Workflow | undefined;
    let settled = false;
    const show = (workflow: Workflow) => {
      current = workflow;
      view.render(workflow);
      if (!isTerminal(workflow.status) || settled) return;
      settled = true;
      clearInterval(poll);
      socket.close();
      resolve(workflow);
    };
    const poll = setInterval(async () => {
      try {
        show(await fetchWorkflow(url, id));
      } catch (error) {
        settled = true;
        clearInterval(poll);
        socket.terminate();
        reject(new Error(`lost the orchestrator at ${url}: ${(error as Error).message}`));
      }
    }, pollEveryMs);
    socket.on('message', (data) => {
      const message = socketMessageSchema.safeParse(JSON.parse(String(data)));
      if (!message.success) return;
      if (message.data.type === 'snapshot') show(message.data.workflow);
      else if (current) show(applyChange(current, message.data));
    });
    socket.on('error', () => undefined);
  });
}
