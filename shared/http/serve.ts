// Serves a Hono app on $HOST:$PORT (one port for traffic, probes and metrics) and closes it cleanly.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface ServedApp {
  readonly server: Server;
  readonly port: number;
  /** A URL for this machine's clients. */
  readonly url: string;
  close(): Promise<void>;
}

export function serveApp(app: { fetch: Hono['fetch'] }, port: number, host: string): Promise<ServedApp> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      const local = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
      resolve({
        server: server as Server,
        port: info.port,
        url: `http://${local}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as Server).closeAllConnections?.();
          }),
      });
    }) as Server;
    server.once('error', reject);
  });
}
