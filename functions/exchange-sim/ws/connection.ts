// One client's stream connection: its subscriptions, raw or combined framing, the requests it sends
// (at most 5 a second, as Binance allows), held-back messages while a stream is stalled, pongs and age.
import type { RawData, WebSocket } from 'ws';
import { type ControlRequest, controlError, parseControl } from './control.ts';
import type { LiveFeeds } from './feeds.ts';
import { shutdownEvent } from './payloads.ts';
import type { SocketFaults } from './socket-faults.ts';
import { MAX_STREAMS_PER_CONNECTION, type StreamSpec } from './streams.ts';

const MAX_MESSAGES_PER_SECOND = 5;

export interface ConnectionParts {
  readonly feeds: LiveFeeds;
  readonly faults: SocketFaults;
  /** The stream a name stands for, or undefined when unknown. */
  parse(name: string): StreamSpec | undefined;
}

export class StreamConnection {
  readonly socket: WebSocket;
  readonly openedAt = Date.now();
  private lastPongAt = Date.now();
  private combined: boolean;
  private readonly parts: ConnectionParts;
  private readonly subscriptions = new Map<string, () => void>();
  private readonly held = new Map<string, string[]>();
  private received: number[] = [];
  private lifetimeTimer: NodeJS.Timeout | undefined;

  constructor(socket: WebSocket, parts: ConnectionParts, combined: boolean, streams: readonly string[]) {
    this.socket = socket;
    this.parts = parts;
    this.combined = combined;
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('pong', () => {
      this.lastPongAt = Date.now();
    });
    socket.on('close', () => this.dispose());
    for (const name of streams) this.subscribe(name, parts.parse(name)!);
  }

  /** Pings, or drops the client when its last pong is older than `timeoutMs`. */
  ping(timeoutMs: number): void {
    if (Date.now() - this.lastPongAt > timeoutMs) this.socket.terminate();
    else if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  /** Closes the connection once it is `ms` old. */
  limitLifetime(ms: number): void {
    clearTimeout(this.lifetimeTimer);
    this.lifetimeTimer = setTimeout(() => this.socket.close(1001, 'connection lifetime limit reached'), Math.max(0, this.openedAt + ms - Date.now()));
  }

  /** Announces a shutdown ({"e":"serverShutdown"}, wrapped as a stream "serverShutdown" when combined). */
  announceShutdown(): void {
    this.sendFrame('serverShutdown', shutdownEvent(Date.now()));
  }

  /** Sends what stalled streams held back, once their stall is over. */
  release(): void {
    for (const name of [...this.held.keys()]) if (!this.parts.faults.stalled(name)) this.flush(name);
  }

  private deliver(name: string, json: string): void {
    if (this.parts.faults.stalled(name)) {
      const queue = this.held.get(name);
      if (queue) queue.push(this.frame(name, json));
      else this.held.set(name, [this.frame(name, json)]);
      return;
    }
    if (this.held.has(name)) this.flush(name);
    this.sendFrame(name, json);
  }

  private flush(name: string): void {
    const queue = this.held.get(name) ?? [];
    this.held.delete(name);
    for (const frame of queue) this.send(frame);
  }

  private frame(name: string, json: string): string {
    return this.combined ? `{"stream":${JSON.stringify(name)},"data":${json}}` : json;
  }

  private sendFrame(name: string, json: string): void {
    this.send(this.frame(name, json));
  }

  private send(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }

  private reply(body: object): void {
    this.send(JSON.stringify(body));
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    const now = Date.now();
    this.received = this.received.filter((t) => t > now - 1000);
    this.received.push(now);
    if (this.received.length > MAX_MESSAGES_PER_SECOND) {
      this.socket.close(1008, 'Too many messages; at most 5 per second');
      return;
    }
    const text = isBinary ? '' : Array.isArray(data) ? Buffer.concat(data).toString() : Buffer.from(data as ArrayBuffer).toString();
    const request = parseControl(text);
    this.reply('error' in request ? request : this.handle(request));
  }

  /** Carries out a request; returns the reply. */
  private handle(request: ControlRequest): object {
    const { id } = request;
    switch (request.method) {
      case 'LIST_SUBSCRIPTIONS':
        return { result: [...this.subscriptions.keys()], id };
      case 'GET_PROPERTY':
        return { result: this.combined, id };
      case 'SET_PROPERTY':
        this.combined = request.combined;
        return { result: null, id };
      case 'UNSUBSCRIBE':
        for (const name of request.streams) {
          this.subscriptions.get(name)?.();
          this.subscriptions.delete(name);
          this.held.delete(name);
        }
        return { result: null, id };
      case 'SUBSCRIBE': {
        const specs = request.streams.map((name) => [name, this.parts.parse(name)] as const);
        const unknown = specs.find(([, spec]) => spec === undefined);
        if (unknown) return controlError(2, `Invalid request: unknown stream \`${unknown[0]}\``, id);
        const added = new Set(request.streams.filter((name) => !this.subscriptions.has(name)));
        if (this.subscriptions.size + added.size > MAX_STREAMS_PER_CONNECTION) {
          return controlError(2, `Invalid request: at most ${MAX_STREAMS_PER_CONNECTION} streams per connection`, id);
        }
        for (const [name, spec] of specs) if (added.has(name)) this.subscribe(name, spec!);
        return { result: null, id };
      }
    }
  }

  private subscribe(name: string, spec: StreamSpec): void {
    if (this.subscriptions.has(name)) return;
    this.subscriptions.set(
      name,
      this.parts.feeds.subscribe(spec, (json) => this.deliver(name, json)),
    );
  }

  private dispose(): void {
    clearTimeout(this.lifetimeTimer);
    for (const unsubscribe of this.subscriptions.values()) unsubscribe();
    this.subscriptions.clear();
    this.held.clear();
  }
}
