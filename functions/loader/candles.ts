// Historical klines, paged by time; bars before the range are sent as warm-up for the indicators.
import { warmupFrom } from '../../shared/analytics/warmup.ts';
import { nextOpenTime, openTimesBetween, type KlineInterval } from '../../shared/binance/intervals.ts';
import type { BinanceRest } from '../../shared/binance/rest-client.ts';
import type { Candle } from '../../shared/contracts/market.ts';
import type { TimeRange } from '../../shared/contracts/workflow.ts';
import { candleFromKline } from './normalize.ts';

const PAGE = 1000;

export interface Gap {
  readonly from: number;
  readonly to: number;
}

/** Yields pages of candles in open-time order: first the warm-up bars, then the range itself. */
export async function* candlePages(rest: BinanceRest, symbol: string, interval: KlineInterval, range: TimeRange, signal: AbortSignal) {
  yield* pages(rest, symbol, interval, warmupFrom(range.from, interval), range.from, true, signal);
  yield* pages(rest, symbol, interval, range.from, Math.min(range.to, Date.now()), false, signal);
}

async function* pages(rest: BinanceRest, symbol: string, interval: KlineInterval, from: number, to: number, warmup: boolean, signal: AbortSignal) {
  let cursor = from;
  while (cursor < to) {
    const rows = await rest.klines({ symbol, interval, startTime: cursor, endTime: to - 1, limit: PAGE }, signal);
    const candles: Candle[] = rows.filter((row) => row[0] >= from && row[0] < to).map((row) => candleFromKline(symbol, interval, row, warmup));
    if (candles.length) yield candles;
    if (rows.length < PAGE) return;
    cursor = nextOpenTime(rows.at(-1)![0], interval);
  }
}

/** Open-time runs the exchange did not return inside the range: maintenance, not to be invented. */
export function findGaps(received: readonly number[], interval: KlineInterval, range: TimeRange): Gap[] {
  const have = new Set(received);
  const gaps: Gap[] = [];
  let start: number | undefined;
  const expected = openTimesBetween(range.from, Math.min(range.to, Date.now()), interval);
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
