// Reads stored candles and trades across every dataset collection that overlaps the asked range.
import { DATASETS, type CandleDoc, type DatasetDoc, type TradeDoc } from '../../shared/contracts/stored.ts';
import type { Store } from '../../shared/ports/store.ts';

export interface RangeRequest {
  readonly symbol: string;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

async function overlapping(store: Store, where: Record<string, string>, from: number, to: number): Promise<DatasetDoc[]> {
  const datasets = await store.query<DatasetDoc>(DATASETS, { field: 'from', where });
  return datasets.filter((d) => d.from < to && d.to > from);
}

/** Merge by key across datasets (later loads win), ordered by time, at most `limit`. */
async function merged<T extends { _key: string }>(store: Store, datasets: DatasetDoc[], field: string, request: RangeRequest, time: (doc: T) => number) {
  const byKey = new Map<string, T>();
  for (const dataset of datasets.sort((a, b) => a.updated_at.localeCompare(b.updated_at))) {
    const docs = await store.query<T>(dataset._key, { field, from: request.from, to: request.to, limit: request.limit });
    for (const doc of docs) byKey.set(doc._key, doc);
  }
  return [...byKey.values()].sort((a, b) => time(a) - time(b)).slice(0, request.limit);
}

export async function readCandles(store: Store, request: RangeRequest & { interval: string }): Promise<Omit<CandleDoc, '_key'>[]> {
  const datasets = await overlapping(store, { symbol: request.symbol, kind: 'candles', interval: request.interval }, request.from, request.to);
  const docs = await merged<CandleDoc>(store, datasets, 'open_time', request, (d) => d.open_time);
  return docs.map(({ _key, ...candle }) => candle);
}

export async function readTrades(store: Store, request: RangeRequest): Promise<Omit<TradeDoc, '_key'>[]> {
  const datasets = await overlapping(store, { symbol: request.symbol, kind: 'trades' }, request.from, request.to);
  const docs = await merged<TradeDoc>(store, datasets, 'time', request, (d) => d.time);
  return docs.map(({ _key, ...trade }) => trade);
}

export async function datasetGaps(store: Store, symbol: string): Promise<DatasetDoc[]> {
  return store.query<DatasetDoc>(DATASETS, { field: 'from', where: { symbol } });
}
