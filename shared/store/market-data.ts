// Reads stored candles and trades across every dataset collection that overlaps the asked range, a page
// at a time in a stable order (time, then id), so paging returns each record exactly once. The
// orchestrator's read API and the visualizer's history both page through here.
import { DATASETS, type DatasetDoc, TIEBREAK_FIELD, TIME_FIELD } from '../contracts/stored.ts';
import type { Doc, Store } from '../ports/store.ts';

/** Where a page ends: the last record's time and its tiebreak (open time twice for candles, agg_id for trades). */
export interface Cursor {
  readonly value: number;
  readonly tiebreak: number;
}

export interface PageRequest {
  readonly symbol: string;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  readonly cursor?: Cursor | undefined;
}

export interface Page<T> {
  readonly items: T[];
  /** Where the next page starts; undefined when this page reaches the end of the range. */
  readonly next: Cursor | undefined;
}

type Kind = keyof typeof TIME_FIELD;

async function overlapping(store: Store, where: Record<string, string>, from: number, to: number): Promise<DatasetDoc[]> {
  const datasets = await store.query<DatasetDoc>(DATASETS, { field: 'from', where });
  return datasets.filter((d) => d.from < to && d.to > from).sort((a, b) => a.updated_at.localeCompare(b.updated_at));
}

/**
 * Each dataset gives its first limit+1 records after the cursor; their union, de-duplicated by key (a
 * later load wins), holds the first limit+1 records of the whole range, the extra one saying more exist.
 */
async function page(store: Store, kind: Kind, datasets: DatasetDoc[], request: PageRequest): Promise<Page<Omit<Doc, '_key'>>> {
  const field = TIME_FIELD[kind];
  const tiebreak = TIEBREAK_FIELD[kind];
  const byKey = new Map<string, Doc>();
  for (const dataset of datasets) {
    const docs = await store.query(dataset._key, {
      field,
      tiebreak,
      from: request.from,
      to: request.to,
      limit: request.limit + 1,
      ...(request.cursor ? { after: request.cursor } : {}),
    });
    for (const doc of docs) byKey.set(doc._key, doc);
  }
  const sorted = [...byKey.values()].sort((a, b) => (a[field] as number) - (b[field] as number) || (a[tiebreak] as number) - (b[tiebreak] as number));
  const items = sorted.slice(0, request.limit);
  const last = items.at(-1);
  const next = sorted.length > request.limit && last ? { value: last[field] as number, tiebreak: last[tiebreak] as number } : undefined;
  return { items: items.map(({ _key, ...rest }) => rest), next };
}

export async function readCandles(store: Store, request: PageRequest & { interval: string }) {
  const datasets = await overlapping(store, { symbol: request.symbol, kind: 'candles', interval: request.interval }, request.from, request.to);
  return page(store, 'candles', datasets, request);
}

export async function readTrades(store: Store, request: PageRequest) {
  const datasets = await overlapping(store, { symbol: request.symbol, kind: 'trades' }, request.from, request.to);
  return page(store, 'trades', datasets, request);
}
