/// <reference lib="dom" />
// The page's socket to the visualizer: reconnects by itself with jittered backoff (0.5 s doubling to
// 15 s), and pings, so a connection that silently died is noticed and replaced.
import type { PageMessage } from '../messages.ts';

const PING_EVERY_MS = 10_000;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 15_000;

export interface ConnectionHandlers {
  onOpen(): void;
  onMessage(message: PageMessage): void;
  /** The socket closed; the next attempt starts in `retryInMs`. */
  onClose(retryInMs: number): void;
}

export class LiveConnection {
  private readonly url: string;
  private readonly handlers: ConnectionHandlers;
  private socket: WebSocket | undefined;
  private failures = 0;
  private retry: number | undefined;
  private stopped = false;

  constructor(path: string, handlers: ConnectionHandlers) {
    this.url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
    this.handlers = handlers;
  }

  start(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    let answered = true;
    let pinger: number | undefined;
    socket.onopen = () => {
      this.failures = 0;
      pinger = window.setInterval(() => {
        if (!answered) return socket.close();
        answered = false;
        socket.send(JSON.stringify({ type: 'ping' }));
      }, PING_EVERY_MS);
      this.handlers.onOpen();
    };
    socket.onmessage = (event) => {
      answered = true;
      const message = JSON.parse(String(event.data)) as PageMessage;
      if (message.type !== 'pong') this.handlers.onMessage(message);
    };
    socket.onclose = () => {
      window.clearInterval(pinger);
      if (this.stopped) return;
      const ceiling = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.failures++);
      const wait = Math.round(MIN_BACKOFF_MS + Math.random() * (ceiling - MIN_BACKOFF_MS));
      this.handlers.onClose(wait);
      this.retry = window.setTimeout(() => this.start(), wait);
    };
  }

  stop(): void {
    this.stopped = true;
    window.clearTimeout(this.retry);
    this.socket?.close();
  }
}
