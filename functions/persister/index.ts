// persister (the seed's arango-connector): data topic -> store. Idempotent upserts, indicators on every
// candle, bad records to the dead-letter topic, offsets committed only after the write.
import { fixedIntervalMs, intervalOpenTime } from '../../shared/binance/intervals.ts';
import { CandleIndicatorState } from '../../shared/analytics/indicators.ts';
import { warmupFrom } from '../../shared/analytics/warmup.ts';
import { marketRecordSchema, type Candle, type EndOfStream } from '../../shared/contracts/market.ts';
import { candleInterval, parseTimeRange } from '../../shared/contracts/workflow.ts';
import { parseRecord } from '../../shared/contracts/parse.ts';
import { deadLetter } from '../../shared/harness/dead-letter.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import type { BusRecord } from '../../shared/ports/bus.ts';
import type { Doc } from '../../shared/ports/store.ts';
import { withRetry } from '../../shared/retry.ts';
import { DATASETS, TIME_FIELD, candleDoc, tradeDoc, type CandleDoc, type DatasetDoc } from '../../shared/contracts/stored.ts';

export { PERSISTER_GROUP } from '../../shared/contracts/naming.ts';
import { PERSISTER_GROUP } from '../../shared/contracts/naming.ts';

export interface PersisterOptions {
  readonly reportEveryMs?: number;
}

export function createPersister(options: PersisterOptions = {}): FunctionDefinition {
  return {
    name: 'persister',
    target: 'arango-connector',
    group: PERSISTER_GROUP,
    run: (ctx) => persist(ctx, options),
    consumes: (command) => [command.kafka_topic],
  };
}

async function persist(ctx: StepContext, options: PersisterOptions): Promise<StepResult> {
  const { command, bus, store, signal } = ctx;
  const range = parseTimeRange(command.time_range);
  const interval = candleInterval(command.type);
  const kind = interval ? 'candles' : 'trades';
  const collection = command.collection_name;
  await store.ensureCollection(collection);
  const dataset = (gaps: DatasetDoc['gaps']): DatasetDoc => ({
    _key: collection,
    symbol: command.symbol,
    type: command.type,
    kind,
    interval: interval ?? null,
    from: range.from,
    to: range.to,
    updated_at: new Date().toISOString(),
    gaps,
  });
  await store.upsert(DATASETS, [dataset([])]);

  let indicators: CandleIndicatorState | undefined;
  const indicatorsFor = async (first: Candle) => {
    if (indicators) return indicators;
    indicators = new CandleIndicatorState(fixedIntervalMs(first.interval) ?? 30 * 86_400_000);
    // Resuming mid-stream after a crash: rebuild indicator state from what was already stored.
    if (!first.warmup) {
      // The warm-up the loader would have sent, and the day so far for the UTC-day VWAP.
      const since = Math.min(warmupFrom(first.open_time, first.interval), intervalOpenTime(first.open_time, '1d'));
      for (const bar of await store.query<CandleDoc>(collection, { field: 'open_time', from: since, to: first.open_time })) indicators.next(bar);
    }
    return indicators;
  };

  let written = 0;
  let end: EndOfStream | undefined;
  let lastReport = 0;
  const subscription = bus.subscribe({ group: PERSISTER_GROUP, topics: [command.kafka_topic] });
  const stopReading = () => void subscription.close();
  signal.addEventListener('abort', stopReading, { once: true });
  try {
    for await (const batch of subscription) {
      const docs: Doc[] = [];
      let endRecord: BusRecord | undefined;
      for (const record of batch.records) {
        const parsed = parseRecord(marketRecordSchema, record.value);
        if (!parsed.ok) {
          await deadLetter(ctx, 'persister', record, parsed.reason);
          continue;
        }
        const item = parsed.value;
        if (item.kind === 'end') {
          end = item;
          endRecord = record;
          break;
        }
        if (item.kind === 'candle') {
          const values = (await indicatorsFor(item)).next(item);
          if (!item.warmup) docs.push(candleDoc(item, values));
        } else docs.push(tradeDoc(item));
      }
      if (docs.length) await withRetry(() => store.upsert(collection, docs), { retries: 5, signal });
      written += docs.length;
      // Records after the end belong to a later run of the loader; they stay for whoever reads next.
      await batch.commit(endRecord);
      if (end) break;
      signal.throwIfAborted();
      if (Date.now() - lastReport >= (options.reportEveryMs ?? 500)) {
        lastReport = Date.now();
        await ctx.report({ message: `Saved ${written} records`, records_written: written });
      }
    }
  } finally {
    signal.removeEventListener('abort', stopReading);
    await subscription.close();
  }
  signal.throwIfAborted();
  if (!end) throw new Error('data stream closed before its end-of-stream record');
  await store.upsert(DATASETS, [dataset(end.gaps)]);
  // The store is the truth: after restarts and re-runs the range holds each record once.
  const stored = await store.count(collection, { field: TIME_FIELD[kind], from: range.from, to: range.to });
  const missing = end.records - stored;
  const note = missing > 0 ? `; ${missing} of the loader's ${end.records} records were dead-lettered` : '';
  return { records_written: stored, message: `Saved ${stored} records to ${collection}${note}` };
}
