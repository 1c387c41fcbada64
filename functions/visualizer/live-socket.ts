// GET /live?symbol=ETHUSDT&interval=1m: the page's WebSocket. On connect it gets the state of the data
// sources and the workflows; then the live records of its symbol (candles of its interval only) and every
// workflow change. A page too slow to read is skipped rather than buffered without bound.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { badRequest } from '../../shared/http/errors.ts';
import { refuseUpgrade } from '../../shared/http/refuse-upgrade.ts';
import type { Logger } from '../../shared/logger.ts';
import type { PageMessage } from './messages.ts';
import { type LiveQuery, liveQuerySchema } from './queries.ts';

/** Beyond this much unsent, a page misses messages until it catches up. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface LivePage {
  readonly symbol: string;
  readonly interval: string;
}

export interface LiveSocketOptions {
  readonly logger: Logger;
  /** Why the symbol cannot be shown (unknown to the visualizer), or undefined. */
  readonly refuse: (query: LiveQuery) => Promise<string | undefined>;
  /** What a page gets first. */
  readonly greeting: (page: LivePage) => PageMessage[];
  readonly onClients: (count: number) => void;
  /** Called for every message sent to a page. */
  readonly onSent: (message: PageMessage) => void;
}

export class LiveSocket {
  private readonly pages = new Map<WebSocket, LivePage>();
  private readonly options: LiveSocketOptions;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });

  constructor(options: LiveSocketOptions) {
    this.options = options;
  }

  attach(server: Server): () => Promise<void> {
    const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head);
    server.on('upgrade', onUpgrade);
    return async () => {
      server.off('upgrade', onUpgrade);
      for (const client of this.pages.keys()) client.close(1001, 'server shutting down');
      await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    };
  }

  /** Sends to every page the filter accepts; the message is serialized once. */
  broadcast(accepts: (page: LivePage) => boolean, message: PageMessage): void {
    let text: string | undefined;
    for (const [client, page] of this.pages) {
      if (!accepts(page) || client.readyState !== client.OPEN || client.bufferedAmount > MAX_BUFFERED_BYTES) continue;
      text ??= JSON.stringify(message);
      client.send(text);
      this.options.onSent(message);
    }
  }

  /** Sends each page its own message (one that depends on its symbol), when it has one. */
  each(messageFor: (page: LivePage) => PageMessage | undefined): void {
    for (const [client, page] of this.pages) {
      const message = messageFor(page);
      if (message && client.readyState === client.OPEN) this.send(client, message);
    }
  }

  private send(client: WebSocket, message: PageMessage): void {
    client.send(JSON.stringify(message));
    this.options.onSent(message);
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== '/live') return refuseUpgrade(socket, 404, { error: `no WebSocket at ${url.pathname}; use /live?symbol=ETHUSDT&interval=1m` });
    const parsed = liveQuerySchema.safeParse(Object.fromEntries(url.searchParams));
    if (!parsed.success) {
      const refused = badRequest(parsed.error);
      return refuseUpgrade(socket, 400, (await refused.getResponse().json()) as { error: string; field: string });
    }
    const query = parsed.data;
    const unknown = await this.options.refuse(query).catch(() => undefined);
    if (unknown) return refuseUpgrade(socket, 400, { error: `symbol: ${unknown}`, field: 'symbol' });
    this.wss.handleUpgrade(request, socket, head, (client) => {
      const page: LivePage = { symbol: query.symbol, interval: query.interval };
      this.pages.set(client, page);
      this.options.onClients(this.pages.size);
      client.on('close', () => {
        this.pages.delete(client);
        this.options.onClients(this.pages.size);
      });
      client.on('message', (data) => this.receive(client, String(data)));
      for (const message of this.options.greeting(page)) this.send(client, message);
    });
  }

  private receive(client: WebSocket, text: string): void {
    if (isPing(text)) this.send(client, { type: 'pong' });
    else this.options.logger.warn({ text: text.slice(0, 200) }, 'a page sent a message the visualizer does not understand; ignored');
  }
}

/** Whether a page's frame is the one message it may send; anything else, JSON or not, is not understood. */
function isPing(text: string): boolean {
  try {
    return (JSON.parse(text) as { type?: unknown } | null)?.type === 'ping';
  } catch {
    return false;
  }
}
