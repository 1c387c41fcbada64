// The live streams of the simulator, shared by every connection: a stream starts with its first
// subscriber and stops with its last, so nothing runs (and no timer is left) when nobody listens.
import type { SimMarket, SymbolMarket } from '../market.ts';
import type { SimBooks } from './books.ts';
import { DepthStream } from './depth-stream.ts';
import type { SimClock } from './due-timer.ts';
import { KlineStream } from './kline-stream.ts';
import { aggTradeEvent, tradeEvents } from './payloads.ts';
import { type StreamSpec, feedKey } from './streams.ts';
import { TradeFeed } from './trade-feed.ts';

/** Receives each payload of a stream, serialized. */
export type Sink = (json: string) => void;

interface Running {
  readonly sinks: Set<Sink>;
  readonly stop: () => void;
}

export class LiveFeeds {
  private readonly tapes = new Map<string, TradeFeed>();
  private readonly running = new Map<string, Running>();
  private readonly market: SimMarket;
  private readonly books: SimBooks;
  private readonly clock: SimClock;

  constructor(market: SimMarket, books: SimBooks, clock: SimClock) {
    this.market = market;
    this.books = books;
    this.clock = clock;
  }

  /** Streams with at least one subscriber, by feed key. */
  active(): string[] {
    return [...this.running.keys()];
  }

  /** Sends every payload of the stream to `sink` from now on; returns the unsubscribe function. */
  subscribe(spec: StreamSpec, sink: Sink): () => void {
    const key = feedKey(spec);
    let running = this.running.get(key);
    if (!running) {
      const sinks = new Set<Sink>();
      const stop = this.start(spec, (json) => {
        for (const s of sinks) s(json);
      });
      running = { sinks, stop };
      this.running.set(key, running);
    }
    const entry = running;
    entry.sinks.add(sink);
    return () => {
      entry.sinks.delete(sink);
      if (entry.sinks.size > 0 || this.running.get(key) !== entry) return;
      this.running.delete(key);
      entry.stop();
    };
  }

  /** Stops every stream. */
  close(): void {
    for (const entry of this.running.values()) entry.stop();
    this.running.clear();
  }

  private start(spec: StreamSpec, emit: Sink): () => void {
    const m = this.symbolMarket(spec.symbol);
    switch (spec.kind) {
      case 'aggTrade':
        return this.tape(m).listen((trades) => {
          const eventTime = Date.now();
          for (const t of trades) emit(aggTradeEvent(m.config, t, eventTime));
        });
      case 'trade':
        return this.tape(m).listen((trades) => {
          const eventTime = Date.now();
          for (const t of trades) for (const json of tradeEvents(m.config, t, eventTime)) emit(json);
        });
      case 'kline': {
        const stream = new KlineStream(m, spec.interval, this.tape(m), this.clock, emit);
        return () => stream.stop();
      }
      case 'depth': {
        const stream = new DepthStream(this.books, spec.symbol, spec.everyMs, emit);
        return () => stream.stop();
      }
    }
  }

  private symbolMarket(symbol: string): SymbolMarket {
    const m = this.market.symbol(symbol);
    if (!m) throw new RangeError(`unknown symbol ${symbol}`);
    return m;
  }

  private tape(m: SymbolMarket): TradeFeed {
    let tape = this.tapes.get(m.config.symbol);
    if (!tape) {
      tape = new TradeFeed(m, this.clock);
      this.tapes.set(m.config.symbol, tape);
    }
    return tape;
  }
}
