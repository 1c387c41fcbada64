// GET /ws: pushes every workflow change and progress event to WebSocket clients, optionally for one workflow.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WorkflowEngine } from './engine.ts';

export function attachWorkflowSocket(server: Server, engine: WorkflowEngine): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const filters = new Map<WebSocket, string | undefined>();

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return socket.destroy();
    wss.handleUpgrade(request, socket, head, async (client) => {
      const only = url.searchParams.get('workflow') ?? undefined;
      filters.set(client, only);
      client.on('close', () => filters.delete(client));
      // A client that connects late still sees where the workflow stands.
      const current = only ? await engine.get(only) : undefined;
      if (current && client.readyState === client.OPEN) client.send(JSON.stringify({ workflow: current }));
    });
  };
  server.on('upgrade', onUpgrade);

  const unsubscribe = engine.onChange((change) => {
    const message = JSON.stringify(change);
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
