// The last live records of each symbol, so a page that opens (or reconnects) shows the tape, the recent
// depth and the open bar at once instead of waiting for them to arrive again.
import type { Book, Trade } from '../../shared/contracts/market.ts';
import type { LiveStream } from '../../shared/harness/live-topics.ts';
import type { LiveCandle, MarketMessage } from './messages.ts';

const TRADES_KEPT = 50;
const BOOKS_KEPT = 120;

export class RecentRecords {
  private readonly trades = new Map<string, Trade[]>();
  private readonly books = new Map<string, Book[]>();
  /** The last candle of each symbol and interval: the open bar, or the one that just closed. */
  private readonly candles = new Map<string, LiveCandle>();

  addTrades(symbol: string, trades: readonly Trade[]): void {
    this.trades.set(symbol, [...(this.trades.get(symbol) ?? []), ...trades].slice(-TRADES_KEPT));
  }

  addBooks(symbol: string, books: readonly Book[]): void {
    this.books.set(symbol, [...(this.books.get(symbol) ?? []), ...books].slice(-BOOKS_KEPT));
  }

  addCandle(candle: LiveCandle): void {
    this.candles.set(`${candle.symbol}/${candle.interval}`, candle);
  }

  /** What a page of this symbol and interval is shown first. */
  messagesFor(symbol: string, interval: string): MarketMessage[] {
    const candle = this.candles.get(`${symbol}/${interval}`);
    const trades = this.trades.get(symbol) ?? [];
    const books = this.books.get(symbol) ?? [];
    return [
      ...(candle ? [{ type: 'candles' as const, candles: [candle] }] : []),
      ...(trades.length ? [{ type: 'trades' as const, trades }] : []),
      ...(books.length ? [{ type: 'books' as const, books }] : []),
    ];
  }

  /** A stream ended: what it brought is no longer live. */
  forget(stream: LiveStream): void {
    if (stream.type.kind === 'trades') this.trades.delete(stream.symbol);
    else if (stream.type.kind === 'depth') this.books.delete(stream.symbol);
    else this.candles.delete(`${stream.symbol}/${stream.type.interval}`);
  }
}
