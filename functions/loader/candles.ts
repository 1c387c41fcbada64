// Historical klines, paged by time from where the last attempt stopped: first the warm-up bars before
// the range (for the indicators), then the range itself, only up to the last closed candle.
import { warmupFrom } from '../../shared/analytics/warmup.ts';
import { nextOpenTime, openTimesBetween, type KlineInterval } from '../../shared/binance/intervals.ts';
import type { BinanceRest } from '../../shared/binance/rest-client.ts';
import type { Candle, Gap } from '../../shared/contracts/market.ts';
import type { TimeRange } from '../../shared/contracts/time-range.ts';
import { candleFromKline } from '../../shared/binance/normalize.ts';

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

/** Open-time runs the exchange did not return inside the range: maintenance, not to be invented. */
export function findGaps(received: readonly number[], interval: KlineInterval, range: TimeRange): Gap[] {
  const have = new Set(received);
  const gaps: Gap[] = [];
  let start: number | undefined;
  const expected = openTimesBetween(range.from, range.to, interval);
  for (const open of expected) {
    if (!have.has(open)) start ??= open;
    else if (start !== undefined) {
      gaps.push({ from: start, to: open });
      start = undefined;
    }
  }
  if (start !== undefined) gaps.push({ from: start, to: nextOpenTime(expected.at(-1)!, interval) });
  return gaps;
}
