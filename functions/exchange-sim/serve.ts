// Runs the exchange simulator on a local port: REST and the WebSocket streams on the same one.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type ExchangeSim, attachExchangeSocket, createExchangeSim } from './index.ts';
import type { SimOptions } from './options.ts';

export interface StartOptions extends SimOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningExchangeSim {
  /** REST base URL, http://host:port */
  url: string;
  /** WebSocket base URL, ws://host:port: raw streams at `${wsUrl}/ws/<stream>`, combined at `${wsUrl}/stream?streams=`. */
  wsUrl: string;
  port: number;
  sim: ExchangeSim;
  /** Closes every WebSocket, clears every timer, and stops listening. */
  close(): Promise<void>;
}

export function startExchangeSim({ port = 0, host = '127.0.0.1', ...options }: StartOptions = {}): Promise<RunningExchangeSim> {
  const sim = createExchangeSim(options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: sim.app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      const detach = attachExchangeSocket(server as Server, sim);
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${urlHost}:${info.port}`,
        wsUrl: `ws://${urlHost}:${info.port}`,
        port: info.port,
        sim,
        close: async () => {
          await detach();
          await new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            if ('closeAllConnections' in server) server.closeAllConnections();
          });
        },
      });
    });
    server.once('error', reject);
  });
}
