// Helpers for the WebSocket tests: a simulator on a free port with a fast-trading ETHUSDT and a clock
// that starts at a fixed time and follows the wall clock, a real `ws` client that records frames, and the
// true book in the form a client's local book reports it.
import { WebSocket } from 'ws';
import { opened, refusedUpgrade } from '../../../test/websocket.ts';
import { DEFAULT_SYMBOLS, type SymbolConfigInput } from '../options.ts';
import { type RunningExchangeSim, type StartOptions, startExchangeSim } from '../serve.ts';
import type { BookView, WireLevel } from './books.ts';

export const START = Date.parse('2024-09-01T00:00:00Z');

/** ETHUSDT trading 100,000 aggregate trades an hour (about 28 a second). */
export const FAST_ETH: SymbolConfigInput = { ...DEFAULT_SYMBOLS.find((s) => s.symbol === 'ETHUSDT')!, tradesPerHour: 100_000 };

/** A clock that reads `start` now and then follows the wall clock. */
export function clockFrom(start: number): () => number {
  const wall = Date.now();
  return () => start + (Date.now() - wall);
}

export function startSim(options: StartOptions = {}): Promise<RunningExchangeSim> {
  return startExchangeSim({ symbols: [FAST_ETH, 'BTCUSDT'], now: clockFrom(START), ...options });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Frame {
  readonly at: number;
  // biome-ignore lint/suspicious/noExplicitAny: frames are checked field by field in the tests.
  readonly body: any;
}

export interface Closed {
  readonly code: number;
  readonly reason: string;
  readonly at: number;
}

export class TestClient {
  readonly socket: WebSocket;
  readonly frames: Frame[] = [];
  readonly pings: number[] = [];
  readonly closed: Promise<Closed>;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.frames.push({ at: Date.now(), body: JSON.parse(String(data)) }));
    socket.on('ping', () => this.pings.push(Date.now()));
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason), at: Date.now() })));
  }

  static async open(url: string, options: { autoPong?: boolean } = {}): Promise<TestClient> {
    const client = new TestClient(new WebSocket(url, options));
    await opened(client.socket);
    return client;
  }

  /** The refused upgrade's status and JSON body. */
  static refusal(url: string): Promise<{ status: number; body: unknown }> {
    return refusedUpgrade(url);
  }

  send(body: unknown): void {
    this.socket.send(typeof body === 'string' ? body : JSON.stringify(body));
  }

  /** Sends a request and waits for the reply with its id. */
  async request(method: string, params: unknown[] | undefined, id: number): Promise<unknown> {
    this.send(params === undefined ? { method, id } : { method, params, id });
    return (await this.waitFor((b) => b.id === id && ('result' in b || 'error' in b))).body;
  }

  /** The first frame (from `from` on) whose body matches; waits for it up to `timeoutMs`. */
  async waitFor(match: (body: Frame['body']) => boolean, timeoutMs = 5000, from = 0): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.frames.slice(from).find((f) => match(f.body));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching frame within ${timeoutMs} ms; got ${this.frames.length}`);
      await sleep(10);
    }
  }

  /** Bodies of the frames received so far that match. */
  bodies(match: (body: Frame['body']) => boolean = () => true): Frame['body'][] {
    return this.frames.filter((f) => match(f.body)).map((f) => f.body);
  }

  close(): Promise<Closed> {
    this.socket.close();
    return this.closed;
  }
}

/** The true book at an id with numeric levels, as a client's local book (loader-ws's) reports its top. */
export function numericBook(view: BookView): { bids: [number, number][]; asks: [number, number][] } {
  const numeric = (levels: readonly WireLevel[]) => levels.map(([p, q]): [number, number] => [Number(p), Number(q)]);
  return { bids: numeric(view.bids), asks: numeric(view.asks) };
}
