// Gaps in a loaded candle range: open times the exchange did not return.
import { type KlineInterval, nextOpenTime, openTimesBetween } from '../../shared/binance/intervals.ts';
import type { Gap } from '../../shared/contracts/market.ts';
import type { TimeRange } from '../../shared/contracts/time-range.ts';

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
