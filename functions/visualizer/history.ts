// The stored side of the page: the last stored bars of a symbol and interval with their stored
// indicators, paged through the same reader as the orchestrator's /candles, and which symbols have
// stored candles. "Last" is by the newest stored bar, not the wall clock, so an exchange's clock that
// differs (a simulator running fast) still shows its bars.
import { fixedIntervalMs, type KlineInterval } from '../../shared/binance/intervals.ts';
import { DATASETS, type DatasetDoc, type StoredCandle } from '../../shared/contracts/stored.ts';
import type { Keyed, Store } from '../../shared/ports/store.ts';
import { type Cursor, readCandles } from '../../shared/store/market-data.ts';
import type { HistoryCandle } from './messages.ts';

const MONTH_MS = 31 * 86_400_000;

/** The newest stored bar's open time across every dataset of the symbol and interval. */
async function newestOpenTime(store: Store, symbol: string, interval: KlineInterval): Promise<number | undefined> {
  const datasets = await store.query<DatasetDoc>(DATASETS, { field: 'from', where: { symbol, kind: 'candles', interval } });
  let newest: number | undefined;
  for (const dataset of datasets) {
    const [last] = await store.query<StoredCandle & Keyed>(dataset._key, { field: 'open_time', order: 'desc', limit: 1 });
    if (last && (newest === undefined || last.open_time > newest)) newest = last.open_time;
  }
  return newest;
}

/** Up to `limit` stored bars ending with the newest one, oldest first. */
export async function readHistory(store: Store, request: { symbol: string; interval: KlineInterval; limit: number }): Promise<HistoryCandle[]> {
  const newest = await newestOpenTime(store, request.symbol, request.interval);
  if (newest === undefined) return [];
  const to = newest + 1;
  const from = to - request.limit * (fixedIntervalMs(request.interval) ?? MONTH_MS);
  const bars: HistoryCandle[] = [];
  let cursor: Cursor | undefined;
  do {
    const page = await readCandles(store, { symbol: request.symbol, interval: request.interval, from, to, limit: request.limit, cursor });
    for (const item of page.items as StoredCandle[]) bars.push(historyCandle(item));
    cursor = page.next;
  } while (cursor);
  return bars.slice(-request.limit);
}

const historyCandle = (c: StoredCandle): HistoryCandle => ({
  open_time: c.open_time,
  open: c.open,
  high: c.high,
  low: c.low,
  close: c.close,
  volume: c.volume,
  rsi_14: c.rsi_14,
  vwap: c.vwap,
});

/** Symbols with stored candles, and their intervals. */
export async function storedIntervals(store: Store): Promise<Map<string, Set<string>>> {
  const datasets = await store.query<DatasetDoc>(DATASETS, { field: 'from', where: { kind: 'candles' } });
  const intervals = new Map<string, Set<string>>();
  for (const dataset of datasets) {
    const known = intervals.get(dataset.symbol) ?? new Set<string>();
    if (dataset.interval) known.add(dataset.interval);
    intervals.set(dataset.symbol, known);
  }
  return intervals;
}
