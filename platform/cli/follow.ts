// Starts a workflow on an orchestrator and follows it live until it ends: a snapshot over /ws, then the
// changes it sends, applied to the local copy; a slow poll covers a socket that drops.
import WebSocket from 'ws';
import { z } from 'zod';
import { type Workflow, isTerminal, workflowSchema } from '../../shared/contracts/workflow.ts';
import { applyChange, workflowSocketMessageSchema } from '../../shared/contracts/workflow-socket.ts';
import type { ProgressView } from './progress.ts';

export interface WorkflowArguments {
  readonly symbols: readonly string[];
  readonly types: readonly string[];
  readonly time_range: string;
}

const acceptedSchema = z.object({ id: z.string() });
const errorSchema = z.object({ error: z.string() });

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
      const message = workflowSocketMessageSchema.safeParse(JSON.parse(String(data)));
      if (!message.success) return;
      if (message.data.type === 'snapshot') show(message.data.workflow);
      else if (current) show(applyChange(current, message.data));
    });
    socket.on('error', () => undefined);
  });
}
