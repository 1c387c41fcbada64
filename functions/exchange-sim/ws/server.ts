// The simulator's Binance-compatible WebSocket side on its HTTP server: raw streams at /ws/<stream>
// (several joined by '/'), combined streams at /stream?streams=<a>/<b> ({"stream","data"} frames), a ping
// every wsPingIntervalMs, and the socket faults of POST /sim/faults.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { refuseUpgrade } from '../../../shared/http/refuse-upgrade.ts';
import type { SimMarket } from '../market.ts';
import type { SimConfig } from '../options.ts';
import { StreamConnection } from './connection.ts';
import type { LiveFeeds } from './feeds.ts';
import type { SocketFaults, SocketFaultSpec } from './socket-faults.ts';
import { MAX_STREAMS_PER_CONNECTION, parseStream } from './streams.ts';

export interface SocketParts {
  readonly market: SimMarket;
  readonly feeds: LiveFeeds;
  readonly socketFaults: SocketFaults;
  readonly config: SimConfig;
}

/** How long connections get to answer a close frame when the server stops, before they are cut. */
const CLOSE_GRACE_MS = 1000;

type Route = { readonly combined: boolean; readonly streams: string[] } | { readonly status: 400 | 404; readonly error: string };

function route(url: URL, known: (name: string) => boolean): Route {
  let combined: boolean;
  let names: string[];
  if (url.pathname === '/ws' || url.pathname.startsWith('/ws/')) {
    combined = false;
    names = url.pathname.slice(4).split('/');
  } else if (url.pathname === '/stream') {
    combined = true;
    names = (url.searchParams.get('streams') ?? '').split('/');
  } else {
    return { status: 404, error: `no WebSocket at ${url.pathname}; use /ws/<stream> or /stream?streams=<stream>/<stream>` };
  }
  const streams = [...new Set(names.filter((n) => n !== ''))];
  if (streams.length > MAX_STREAMS_PER_CONNECTION) return { status: 400, error: `at most ${MAX_STREAMS_PER_CONNECTION} streams per connection` };
  const unknown = streams.find((name) => !known(name));
  if (unknown !== undefined) return { status: 400, error: `unknown stream ${unknown}` };
  return { combined, streams };
}

/** Serves the streams on `server`'s upgrades; returns the function that closes every connection and timer. */
export function attachExchangeSocket(server: Server, { market, feeds, socketFaults, config }: SocketParts): () => Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const connections = new Set<StreamConnection>();
  const timers = new Set<NodeJS.Timeout>();
  const parse = (name: string) => parseStream(name, (symbol) => market.symbol(symbol) !== undefined);
  const parts = { feeds, faults: socketFaults, parse };

  const later = (ms: number, run: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const found = route(url, (name) => parse(name) !== undefined);
    if ('status' in found) return refuseUpgrade(socket, found.status, { error: found.error });
    if (socketFaults.refusing()) return refuseUpgrade(socket, 503, { error: 'WebSocket connections are refused for now; try again shortly' });
    wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new StreamConnection(ws, parts, found.combined, found.streams);
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
      connection.limitLifetime(socketFaults.lifetimeMs);
    });
  };

  const onFault = (spec: SocketFaultSpec): void => {
    const open = [...connections];
    switch (spec.kind) {
      case 'ws-drop':
        for (const c of open) c.socket.terminate();
        return;
      case 'ws-shutdown':
        for (const c of open) c.announceShutdown();
        later(spec.closeAfterMs, () => {
          for (const c of open) c.socket.close(1001, 'server shutdown');
        });
        return;
      case 'ws-lifetime':
        for (const c of open) c.limitLifetime(spec.ms);
        return;
      case 'ws-stall':
        // A millisecond late, so that the stall has surely ended when the held messages are let go.
        later(spec.ms + 1, () => {
          for (const c of connections) c.release();
        });
        return;
    }
  };

  server.on('upgrade', onUpgrade);
  const stopFaults = socketFaults.onApply(onFault);
  const pings = setInterval(() => {
    for (const c of connections) c.ping(config.wsPongTimeoutMs);
  }, config.wsPingIntervalMs);

  return async () => {
    server.off('upgrade', onUpgrade);
    stopFaults();
    clearInterval(pings);
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    const open = [...connections];
    await Promise.all(
      open.map(
        (c) =>
          new Promise<void>((resolve) => {
            if (c.socket.readyState === c.socket.CLOSED) return resolve();
            const cut = setTimeout(() => c.socket.terminate(), CLOSE_GRACE_MS);
            c.socket.once('close', () => {
              clearTimeout(cut);
              resolve();
            });
            c.socket.close(1001, 'server shutting down');
          }),
      ),
    );
    feeds.close();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}
