// The simulator's order books, one per symbol, created on first use and advanced to the simulator clock
// on every read. Views are on the wire: [price, quantity] as 8-decimal strings, bids best (highest)
// first, asks best (lowest) first, as GET /api/v3/depth answers.
import { formatScaled } from '../aggregate.ts';
import type { SimMarket, SymbolMarket } from '../market.ts';
import type { SimConfig } from '../options.ts';
import { mix, stringHash } from '../random.ts';
import { sizeInSteps } from './book-changes.ts';
import { type BookUpdate, type Levels, OrderBook } from './order-book.ts';

/** Wall-clock time of history kept for bookAt; scaled by the clock speed into simulator time. */
const HISTORY_WALL_MS = 30_000;

export type WireLevel = [price: string, quantity: string];

export interface BookView {
  lastUpdateId: number;
  bids: WireLevel[];
  asks: WireLevel[];
}

export class SimBooks {
  private readonly books = new Map<string, OrderBook>();
  private readonly market: SimMarket;
  private readonly config: SimConfig;

  constructor(market: SimMarket, config: SimConfig) {
    this.market = market;
    this.config = config;
  }

  /** The current last update id of `symbol`'s book. */
  lastUpdateId(symbol: string): number {
    return this.advanced(symbol).lastUpdateId;
  }

  /** The best `limit` levels of each side now. */
  snapshot(symbol: string, limit: number): BookView {
    const book = this.advanced(symbol);
    return this.view(symbol, book.lastUpdateId, book, limit);
  }

  /**
   * The true full book of `symbol` right after update `updateId`, which must be within about the last
   * 30 s of wall-clock time (a RangeError otherwise).
   */
  bookAt(symbol: string, updateId: number): BookView {
    return this.view(symbol, updateId, this.advanced(symbol).levelsAt(updateId), Infinity);
  }

  /** The updates after `updateId`, oldest first, with the book advanced to now. */
  updatesAfter(symbol: string, updateId: number): readonly BookUpdate[] {
    return this.advanced(symbol).updatesAfter(updateId);
  }

  /** `symbol`'s next update is applied to its book but left out of every depth stream. */
  skipNext(symbol: string): void {
    this.advanced(symbol).hideNextUpdate();
  }

  /** [price, quantity] on the wire for a level in ticks and steps. */
  wireLevel(symbol: string, price: number, qty: number): WireLevel {
    const { tickSize, stepSize } = this.symbolMarket(symbol).config;
    return [formatScaled(price, tickSize), formatScaled(qty, stepSize)];
  }

  private view(symbol: string, lastUpdateId: number, levels: Levels, limit: number): BookView {
    const side = (map: Map<number, number>, descending: boolean): WireLevel[] =>
      [...map]
        .sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0]))
        .slice(0, limit)
        .map(([price, qty]) => this.wireLevel(symbol, price, qty));
    return { lastUpdateId, bids: side(levels.bids, true), asks: side(levels.asks, false) };
  }

  private symbolMarket(symbol: string): SymbolMarket {
    const m = this.market.symbol(symbol);
    if (!m) throw new RangeError(`unknown symbol ${symbol}`);
    return m;
  }

  private advanced(symbol: string): OrderBook {
    const now = this.config.now();
    let book = this.books.get(symbol);
    if (!book) {
      const m = this.symbolMarket(symbol);
      const source = {
        key: mix(mix(0xb00c, this.config.seed), stringHash(symbol)),
        midAt: (t: number) => m.priceBefore(t + 1),
        size: sizeInSteps(m.config.tickSize, m.config.stepSize),
      };
      book = new OrderBook(source, now);
      this.books.set(symbol, book);
    }
    book.advanceTo(now, now - HISTORY_WALL_MS * this.config.speed);
    return book;
  }
}
