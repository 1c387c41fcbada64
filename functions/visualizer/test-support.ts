// Helpers for the visualizer's tests: stored history written as the persister writes it, and a real `ws`
// client of `/live` that records what the page would receive.
import { WebSocket } from 'ws';
import { opened, refusedUpgrade } from '../../test/websocket.ts';
import { CandleIndicatorState } from '../../shared/analytics/indicators.ts';
import type { Candle } from '../../shared/contracts/market.ts';
import { DATASETS, type DatasetDoc, candleDoc } from '../../shared/contracts/stored.ts';
import type { Store } from '../../shared/ports/store.ts';
import type { PageMessage } from './messages.ts';

export const DAY = Date.parse('2024-08-01T00:00:00Z');
export const MINUTE = 60_000;

/** The brief's RSI reference closes, scaled to an ETH-like price (RSI does not change with scale). */
export const CLOSES = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78,
  45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
].map((close) => Math.round(close * 7000) / 100);

/** The i-th one-minute bar of the day: it opens at the previous close and closes at CLOSES[i]. */
export function bar(i: number, extra: Partial<Candle> = {}): Candle {
  const close = extra.close ?? CLOSES[i]!;
  const open = CLOSES[i - 1] ?? close;
  return {
    kind: 'candle',
    symbol: 'ETHUSDT',
    interval: '1m',
    open_time: DAY + i * MINUTE,
    close_time: DAY + (i + 1) * MINUTE - 1,
    open,
    high: Math.max(open, close) + 0.5,
    low: Math.min(open, close) - 0.5,
    close,
    volume: 1 + (i % 5),
    quote_volume: close * (1 + (i % 5)),
    trades: 10,
    taker_buy_base: 0.5,
    taker_buy_quote: close * 0.5,
    ...extra,
  };
}

/** Bars 0..count-1 stored with their indicators, in a dataset of the catalog, as the persister stores a day. */
export async function storeDay(store: Store, count: number): Promise<void> {
  const collection = 'ethusdt_api_candles_1m_2024_08_01';
  await store.ensureCollection(collection);
  const indicators = new CandleIndicatorState(MINUTE);
  const bars = Array.from({ length: count }, (_, i) => bar(i));
  await store.upsert(
    collection,
    bars.map((b) => candleDoc(b, indicators.next(b))),
  );
  const dataset: DatasetDoc = {
    _key: collection,
    symbol: 'ETHUSDT',
    type: 'api_candles_1m',
    kind: 'candles',
    interval: '1m',
    from: DAY,
    to: DAY + 86_400_000,
    updated_at: new Date().toISOString(),
    gaps: [],
  };
  await store.upsert(DATASETS, [dataset]);
}

export class PageClient {
  readonly messages: PageMessage[] = [];
  private readonly socket: WebSocket;
  private waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)) as PageMessage);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(url: string): Promise<PageClient> {
    const client = new PageClient(new WebSocket(url));
    await opened(client.socket);
    return client;
  }

  /** The refused upgrade's status and JSON body. */
  static refusal(url: string): Promise<{ status: number; body: unknown }> {
    return refusedUpgrade(url);
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** The first message from `from` on that matches, waiting for it; fails with what arrived. */
  async next<T extends PageMessage>(matches: (message: PageMessage) => message is T, from = 0, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(matches);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no such message in ${timeoutMs} ms; received ${JSON.stringify(this.messages.slice(from)).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

export const ofType =
  <K extends PageMessage['type']>(type: K, where: (message: Extract<PageMessage, { type: K }>) => boolean = () => true) =>
  (message: PageMessage): message is Extract<PageMessage, { type: K }> =>
    message.type === type && where(message as Extract<PageMessage, { type: K }>);
