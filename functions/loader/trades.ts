// Historical aggregated trades: find the first id of the range by time, then page by fromId
// (several trades share a millisecond, so paging by time would drop or repeat some).
import type { BinanceRest } from '../../shared/binance/rest-client.ts';
import type { Trade } from '../../shared/contracts/market.ts';
import type { TimeRange } from '../../shared/contracts/workflow.ts';
import { tradeFromAggTrade } from './normalize.ts';

const PAGE = 1000;
const HOUR = 3_600_000;

export interface IdGap {
  readonly afterId: number;
  readonly nextId: number;
}

export async function* tradePages(rest: BinanceRest, symbol: string, range: TimeRange, signal: AbortSignal, onIdGap: (gap: IdGap) => void) {
  const end = Math.min(range.to, Date.now());
  let fromId: number | undefined;
  // Binance accepts at most one hour between startTime and endTime.
  for (let start = range.from; start < end && fromId === undefined; start += HOUR) {
    const first = await rest.aggTrades({ symbol, startTime: start, endTime: Math.min(start + HOUR, end) - 1, limit: 1 }, signal);
    fromId = first[0]?.a;
  }
  let expectedId = fromId;
  while (fromId !== undefined) {
    const rows = await rest.aggTrades({ symbol, fromId, limit: PAGE }, signal);
    const inRange = rows.filter((row) => row.T >= range.from && row.T < end);
    for (const row of inRange) {
      if (expectedId !== undefined && row.a !== expectedId) onIdGap({ afterId: expectedId - 1, nextId: row.a });
      expectedId = row.a + 1;
    }
    const trades: Trade[] = inRange.map((row) => tradeFromAggTrade(symbol, row));
    if (trades.length) yield trades;
    const last = rows.at(-1);
    if (rows.length < PAGE || !last || last.T >= end) return;
    fromId = last.a + 1;
  }
}
