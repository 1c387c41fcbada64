// One combined-stream WebSocket to the exchange that stays up: it reconnects with jittered backoff after a
// drop (the streams are in the URL, so a new connection is subscribed again), rotates to a fresh
// connection before the exchange's lifetime limit or when it announces a shutdown — opening the new one
// first and switching when it delivers, so the stream never pauses — and treats a connection that has
// been silent (not even a ping) for too long as dead. `ws` answers the exchange's pings by itself.
import { WebSocket } from 'ws';
import { combinedFrameSchema } from '../../shared/binance/stream-wire.ts';
import { backoffDelay } from '../../shared/retry.ts';

export interface Frame {
  readonly stream: string;
  readonly data: { readonly e: string } & Record<string, unknown>;
  /** When it arrived here, epoch ms. */
  readonly receivedAt: number;
}

export type ConnectionNotice =
  | { readonly kind: 'open'; readonly url: string; readonly rotation: boolean }
  /** The connection ended (`wasOpen`) or could not be opened; another attempt follows after the pause. */
  | { readonly kind: 'dropped'; readonly wasOpen: boolean; readonly code: number; readonly reason: string; readonly reconnectInMs: number }
  | { readonly kind: 'rotating'; readonly why: 'lifetime' | 'serverShutdown' }
  | { readonly kind: 'bad-frame'; readonly reason: string; readonly text: string };

export interface StreamConnectionOptions {
  /** The exchange's stream endpoint, e.g. wss://stream.binance.com:9443 or ws://127.0.0.1:8081. */
  readonly baseUrl: string;
  readonly streams: readonly string[];
  readonly onFrame: (frame: Frame) => void;
  readonly onNotice: (notice: ConnectionNotice) => void;
  /** Open a fresh connection this long after each one opened (Binance closes them at 24 h). */
  readonly rotateAfterMs?: number;
  /** Nothing heard for this long, not even a ping (Binance pings every 20 s): the connection is dead. */
  readonly silenceMs?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

const HOUR = 3_600_000;
const HANDSHAKE_TIMEOUT_MS = 10_000;

interface Socket {
  readonly ws: WebSocket;
  opened: boolean;
  heardAt: number;
  rotateTimer?: NodeJS.Timeout;
}

export class StreamConnection {
  private readonly options: StreamConnectionOptions;
  private readonly streams: ReadonlySet<string>;
  private active: Socket | undefined;
  /** The connection replacing the active one, until it delivers its first frame. */
  private next: Socket | undefined;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly watchdog: NodeJS.Timeout;
  private closed = false;

  constructor(options: StreamConnectionOptions) {
    this.options = options;
    this.streams = new Set(options.streams);
    const silenceMs = options.silenceMs ?? 60_000;
    this.watchdog = setInterval(
      () => {
        for (const socket of [this.active, this.next]) {
          if (socket && Date.now() - socket.heardAt > silenceMs) socket.ws.terminate();
        }
      },
      Math.min(silenceMs, 5000),
    );
    this.active = this.open(false);
  }

  get url(): string {
    return `${this.options.baseUrl.replace(/\/+$/, '')}/stream?streams=${this.options.streams.join('/')}`;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.watchdog);
    clearTimeout(this.reconnectTimer);
    for (const socket of [this.active, this.next]) if (socket) this.shut(socket);
    this.active = this.next = undefined;
  }

  private open(rotation: boolean): Socket {
    const ws = new WebSocket(this.url, { handshakeTimeout: HANDSHAKE_TIMEOUT_MS });
    const socket: Socket = { ws, opened: false, heardAt: Date.now() };
    ws.on('open', () => {
      socket.opened = true;
      socket.heardAt = Date.now();
      socket.rotateTimer = setTimeout(() => this.rotate('lifetime'), this.options.rotateAfterMs ?? 23 * HOUR);
      this.options.onNotice({ kind: 'open', url: this.url, rotation });
    });
    ws.on('ping', () => {
      socket.heardAt = Date.now();
    });
    ws.on('message', (raw: Buffer) => this.receive(socket, raw.toString('utf8')));
    // A failed handshake or a broken socket ends in 'close' as well, where it is handled.
    ws.on('error', () => undefined);
    ws.on('close', (code: number, reason: Buffer) => this.lost(socket, code, reason.toString('utf8')));
    return socket;
  }

  private receive(socket: Socket, text: string): void {
    socket.heardAt = Date.now();
    if (socket !== this.active && socket !== this.next) return;
    const bad = (reason: string) => this.options.onNotice({ kind: 'bad-frame', reason, text: text.slice(0, 200) });
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      bad('not JSON');
      return;
    }
    const frame = combinedFrameSchema.safeParse(json);
    if (!frame.success) {
      bad('not a combined-stream frame');
      return;
    }
    if (!('stream' in frame.data)) return; // a reply to a control message
    const { stream, data } = frame.data;
    if (data.e === 'serverShutdown') {
      this.rotate('serverShutdown');
      return;
    }
    if (!this.streams.has(stream)) {
      bad(`unknown stream ${stream}`);
      return;
    }
    if (socket === this.next) this.promote();
    this.failures = 0;
    this.options.onFrame({ stream, data, receivedAt: socket.heardAt });
  }

  /** Opens the replacement; the current connection keeps delivering until the new one does. */
  private rotate(why: 'lifetime' | 'serverShutdown'): void {
    if (this.closed || this.next) return;
    this.options.onNotice({ kind: 'rotating', why });
    this.next = this.open(true);
  }

  private promote(): void {
    const old = this.active;
    this.active = this.next;
    this.next = undefined;
    if (old) this.shut(old);
  }

  private lost(socket: Socket, code: number, reason: string): void {
    clearTimeout(socket.rotateTimer);
    if (this.closed) return;
    if (socket === this.next) {
      this.next = undefined;
      return;
    }
    if (socket !== this.active) return;
    // The replacement, if one is opening, takes over; otherwise connect again after a pause.
    if (this.next) {
      this.active = this.next;
      this.next = undefined;
      return;
    }
    this.active = undefined;
    const delay = backoffDelay(this.failures++, this.options.minBackoffMs ?? 250, this.options.maxBackoffMs ?? 15_000);
    this.options.onNotice({ kind: 'dropped', wasOpen: socket.opened, code, reason, reconnectInMs: delay });
    this.reconnectTimer = setTimeout(() => {
      if (!this.closed) this.active = this.open(false);
    }, delay);
  }

  private shut(socket: Socket): void {
    clearTimeout(socket.rotateTimer);
    if (socket.ws.readyState === WebSocket.OPEN) socket.ws.close(1000, 'replaced');
    else socket.ws.terminate();
  }
}
