// `streamforge run`: starts a workflow on an orchestrator and follows it live until it ends.
import WebSocket from 'ws';
import type { Workflow } from '../../functions/orchestrator/plan.ts';
import { ProgressView } from './progress.ts';

export interface RunArguments {
  readonly url: string;
  readonly symbols: string[];
  readonly types: string[];
  readonly range: string;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Resolves to the workflow as it ended. Throws with the orchestrator's message when it refuses the request. */
export async function runWorkflow(args: RunArguments, view = new ProgressView()): Promise<Workflow> {
  const response = await fetch(`${args.url}/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ symbols: args.symbols, types: args.types, time_range: args.range }),
  });
  const body = (await response.json()) as { id?: string; error?: string };
  if (response.status !== 202 || !body.id) throw new Error(`the orchestrator refused the workflow: ${body.error ?? response.statusText}`);
  const id = body.id;
  return new Promise<Workflow>((resolve, reject) => {
    const socket = new WebSocket(`${args.url.replace(/^http/, 'ws')}/ws?workflow=${encodeURIComponent(id)}`);
    let settled = false;
    const finish = (workflow: Workflow) => {
      view.render(workflow);
      if (!TERMINAL.has(workflow.status) || settled) return;
      settled = true;
      clearInterval(poll);
      socket.close();
      resolve(workflow);
    };
    // The socket pushes every change; a slow poll covers a socket that drops.
    const poll = setInterval(async () => {
      try {
        const r = await fetch(`${args.url}/workflows/${id}`);
        if (r.ok) finish((await r.json()) as Workflow);
      } catch (error) {
        settled = true;
        clearInterval(poll);
        reject(new Error(`lost the orchestrator at ${args.url}: ${(error as Error).message}`));
      }
    }, 2000);
    socket.on('message', (data) => finish((JSON.parse(String(data)) as { workflow: Workflow }).workflow));
    socket.on('error', () => undefined);
  });
}
