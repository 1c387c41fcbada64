// Runs the exchange simulator on a local HTTP port.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type ExchangeSim, createExchangeSim } from './index.ts';
import type { SimOptions } from './options.ts';

export interface StartOptions extends SimOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
}

export interface RunningExchangeSim {
  url: string;
  port: number;
  sim: ExchangeSim;
  close(): Promise<void>;
}

export function startExchangeSim({ port = 0, host = '127.0.0.1', ...options }: StartOptions = {}): Promise<RunningExchangeSim> {
  const sim = createExchangeSim(options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: sim.app.fetch, port, hostname: host }, (info: AddressInfo) => {
      server.off('error', reject);
      const urlHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${urlHost}:${info.port}`,
        port: info.port,
        sim,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}
