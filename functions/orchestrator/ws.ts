// GET /ws: a snapshot of the followed workflow, then only what changed (its status and the steps an
// update touched). Without ?workflow=, every workflow's changes, and a snapshot of each new one.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { queueEventSchema } from '../../shared/contracts/events.ts';
import { stepSchema, workflowSchema } from '../../shared/contracts/workflow.ts';
import { refuseUpgrade } from '../../shared/http/refuse-upgrade.ts';
import { type WebSocket, WebSocketServer } from 'ws';
import type { WorkflowChange, WorkflowEngine } from './engine.ts';

export type SocketMessage =
  | { readonly type: 'snapshot'; readonly workflow: z.input<typeof workflowSchema> }
  | {
      readonly type: 'change';
      readonly workflow_id: string;
      readonly status: string;
      readonly reason: string | null;
      readonly steps: z.input<typeof stepSchema>[];
      readonly event?: z.input<typeof queueEventSchema>;
    };

function changeMessage(change: WorkflowChange): SocketMessage {
  if (change.created) return { type: 'snapshot', workflow: z.encode(workflowSchema, change.workflow) };
  return {
    type: 'change',
    workflow_id: change.workflow.id,
    status: change.workflow.status,
    reason: change.workflow.reason,
    steps: change.steps.map((step) => z.encode(stepSchema, step)),
    ...(change.event ? { event: z.encode(queueEventSchema, change.event) } : {}),
  };
}

export function attachWorkflowSocket(server: Server, engine: WorkflowEngine): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const filters = new Map<WebSocket, string | undefined>();
  const onUpgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, { error: `no WebSocket at ${url.pathname}; use /ws` });
    const only = url.searchParams.get('workflow') ?? undefined;
    const current = only === undefined ? undefined : await engine.get(only).catch(() => undefined);
    if (only !== undefined && !current) return refuseUpgrade(socket, 404, { error: `no workflow ${only}` });
    wss.handleUpgrade(request, socket, head, (client) => {
      filters.set(client, only);
      client.on('close', () => filters.delete(client));
      // A client that connects late still sees where the workflow stands.
      if (current) client.send(JSON.stringify({ type: 'snapshot', workflow: z.encode(workflowSchema, current) } satisfies SocketMessage));
    });
  };
  server.on('upgrade', onUpgrade);
  const unsubscribe = engine.onChange((change) => {
    const message = JSON.stringify(changeMessage(change));
    for (const [client, only] of filters) {
      if ((!only || only === change.workflow.id) && client.readyState === client.OPEN) client.send(message);
    }
  });
  return async () => {
    unsubscribe();
    server.off('upgrade', onUpgrade);
    for (const client of filters.keys()) client.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
