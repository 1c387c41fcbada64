// Klines paged by time from where the last attempt stopped: first the warm-up bars before the range (for
// the indicators), then the range itself. The history loader reads whole ranges this way; loader-ws its
// warm-up and the closed candles a reconnect missed.
import { warmupFrom } from '../analytics/warmup.ts';
import { type KlineInterval, nextOpenTime } from './intervals.ts';
import type { BinanceRest } from './rest-client.ts';
import type { Candle } from '../contracts/market.ts';
import type { TimeRange } from '../contracts/time-range.ts';
import { candleFromKline } from './normalize.ts';

const PAGE = 1000;

/** How far a candle load got: survives the step's retries, so an attempt resumes at the page that failed. */
export interface CandleCursor {
  phase: 'warmup' | 'range' | 'done';
  next: number;
}

export const startCandles = (range: TimeRange, interval: KlineInterval): CandleCursor => ({
  phase: 'warmup',
  // Nothing trades before 1970; the exchange starts the warm-up at the listing if that is later.
  next: Math.max(0, warmupFrom(range.from, interval)),
});

/** Yields pages in open-time order and advances the cursor once the caller has handled each page. */
export async function* candlePages(rest: BinanceRest, symbol: string, interval: KlineInterval, range: TimeRange, cursor: CandleCursor, signal: AbortSignal) {
  while (cursor.phase !== 'done') {
    const warmup = cursor.phase === 'warmup';
    const to = warmup ? range.from : range.to;
    if (cursor.next >= to) {
      Object.assign(cursor, warmup ? { phase: 'range', next: range.from } : { phase: 'done' });
      continue;
    }
    const rows = await rest.klines({ symbol, interval, startTime: cursor.next, endTime: to - 1, limit: PAGE }, signal);
    const candles: Candle[] = rows.filter((row) => row[0] >= cursor.next && row[0] < to).map((row) => candleFromKline(symbol, interval, row, warmup));
    if (candles.length) yield { candles, warmup };
    cursor.next = rows.length < PAGE ? to : nextOpenTime(rows.at(-1)![0], interval);
  }
}
