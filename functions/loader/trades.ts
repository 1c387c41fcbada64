// Historical aggregated trades: find the first id of the range by time, then page by fromId (several
// trades share a millisecond, so paging by time would drop or repeat some), from where the last attempt stopped.
import type { BinanceRest } from '../../shared/binance/rest-client.ts';
import type { Trade } from '../../shared/contracts/market.ts';
import type { TimeRange } from '../../shared/contracts/time-range.ts';
import { tradeFromAggTrade } from '../../shared/binance/normalize.ts';

const PAGE = 1000;
const HOUR = 3_600_000;

export interface IdGap {
  readonly afterId: number;
  readonly nextId: number;
}

/** How far a trade load got: survives the step's retries, so an attempt resumes at the page that failed. */
export interface TradeCursor {
  /** Where the search for the range's first trade stands, until it is found. */
  searchFrom: number;
  fromId: number | undefined;
  expectedId: number | undefined;
  done: boolean;
  readonly idGaps: IdGap[];
}

export const startTrades = (range: TimeRange): TradeCursor => ({ searchFrom: range.from, fromId: undefined, expectedId: undefined, done: false, idGaps: [] });

/** Yields pages in id order and advances the cursor once the caller has handled each page. */
export async function* tradePages(rest: BinanceRest, symbol: string, range: TimeRange, cursor: TradeCursor, signal: AbortSignal) {
  // Binance accepts at most one hour between startTime and endTime.
  while (cursor.fromId === undefined && cursor.searchFrom < range.to) {
    const first = await rest.aggTrades({ symbol, startTime: cursor.searchFrom, endTime: Math.min(cursor.searchFrom + HOUR, range.to) - 1, limit: 1 }, signal);
    if (first[0]) cursor.fromId = cursor.expectedId = first[0].a;
    else cursor.searchFrom += HOUR;
  }
  while (cursor.fromId !== undefined && !cursor.done) {
    const rows = await rest.aggTrades({ symbol, fromId: cursor.fromId, limit: PAGE }, signal);
    const inRange = rows.filter((row) => row.T >= range.from && row.T < range.to);
    const trades: Trade[] = inRange.map((row) => tradeFromAggTrade(symbol, row));
    if (trades.length) yield trades;
    for (const row of inRange) {
      if (cursor.expectedId !== undefined && row.a !== cursor.expectedId) cursor.idGaps.push({ afterId: cursor.expectedId - 1, nextId: row.a });
      cursor.expectedId = row.a + 1;
    }
    const last = rows.at(-1);
    if (rows.length < PAGE || !last || last.T >= range.to) cursor.done = true;
    else cursor.fromId = last.a + 1;
  }
}
