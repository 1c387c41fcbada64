// RSI(14) and the UTC-day VWAP of live candles, computed exactly as the persister computes the stored
// ones. A series whose first candle is the loader's warm-up starts fresh and is fed the warm-up, as the
// persister is; one joined mid-stream is rebuilt from the stored bars of the warm-up window and of the
// UTC day so far (the persister's own rule when it resumes). Each closed candle is fed once; an open
// one is only peeked at. Warm-up candles are never shown: they precede the workflow's range.
import { AnchoredVwap, Rsi } from '../../shared/analytics/indicators.ts';
import { warmupFrom } from '../../shared/analytics/warmup.ts';
import { intervalOpenTime } from '../../shared/binance/intervals.ts';
import type { Candle } from '../../shared/contracts/market.ts';
import type { StoredCandle } from '../../shared/contracts/stored.ts';
import type { Store } from '../../shared/ports/store.ts';
import { type Cursor, readCandles } from '../../shared/store/market-data.ts';
import type { LiveCandle } from './messages.ts';

const PAGE = 10_000;

type Bar = Pick<Candle, 'open_time' | 'high' | 'low' | 'close' | 'volume'>;

class SeriesIndicators {
  private readonly rsi = new Rsi(14);
  private readonly vwap = new AnchoredVwap();
  private lastClosed = Number.NEGATIVE_INFINITY;

  /** Feeds a closed bar unless it was fed already (a repeat, or a second workflow streaming the symbol). */
  feed(bar: Bar): { rsi_14: number | null; vwap: number | null } | undefined {
    if (bar.open_time <= this.lastClosed) return undefined;
    this.lastClosed = bar.open_time;
    return { rsi_14: this.rsi.next(bar.close), vwap: this.vwap.next(bar) };
  }

  apply(candle: Candle): LiveCandle {
    const fed = candle.partial ? undefined : this.feed(candle);
    return { ...candle, ...(fed ?? { rsi_14: this.rsi.peek(candle.close), vwap: this.vwap.peek(candle) }) };
  }
}

export class LiveIndicators {
  private readonly series = new Map<string, Promise<SeriesIndicators>>();
  private readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  /** The candle with its indicators; undefined for a warm-up candle, which only feeds them. */
  async apply(candle: Candle): Promise<LiveCandle | undefined> {
    const key = `${candle.symbol}/${candle.interval}`;
    let series = this.series.get(key);
    if (!series) {
      series = candle.warmup ? Promise.resolve(new SeriesIndicators()) : this.rebuild(candle);
      this.series.set(key, series);
      // A store that failed to answer is asked again at the next candle.
      series.catch(() => this.series.delete(key));
    }
    const state = await series;
    if (!candle.warmup) return state.apply(candle);
    state.feed(candle);
    return undefined;
  }

  /** The stream ended: a later one starts over. */
  forget(symbol: string, interval: string): void {
    this.series.delete(`${symbol}/${interval}`);
  }

  private async rebuild(first: Candle): Promise<SeriesIndicators> {
    const state = new SeriesIndicators();
    const from = Math.min(warmupFrom(first.open_time, first.interval), intervalOpenTime(first.open_time, '1d'));
    let cursor: Cursor | undefined;
    do {
      const page = await readCandles(this.store, { symbol: first.symbol, interval: first.interval, from, to: first.open_time, limit: PAGE, cursor });
      for (const bar of page.items as StoredCandle[]) state.feed(bar);
      cursor = page.next;
    } while (cursor);
    return state;
  }
}
