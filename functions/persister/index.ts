// persister (the seed's arango-connector): data topic -> store. Idempotent upserts, indicators on every
// candle, bad records to the dead-letter topic, offsets committed only after the write. A history load
// ends with its end-of-stream record; a live stream runs until the orchestrator stops the step.
import { randomUUID } from 'node:crypto';
import { CandleIndicatorState } from '../../shared/analytics/indicators.ts';
import { warmupFrom } from '../../shared/analytics/warmup.ts';
import { fixedIntervalMs, intervalOpenTime } from '../../shared/binance/intervals.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { type Candle, type EndOfStream, dataTopic } from '../../shared/contracts/market.ts';
import { GROUPS, TARGETS } from '../../shared/contracts/names.ts';
import { type CandleDoc, DATASETS, type DatasetDoc, TIME_FIELD, candleDoc, tradeDoc } from '../../shared/contracts/stored.ts';
import { decodeRecord } from '../../shared/contracts/topic.ts';
import { consume } from '../../shared/harness/consume.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import type { BusRecord } from '../../shared/ports/bus.ts';
import type { Doc } from '../../shared/ports/store.ts';

const REPLAY_TIMEOUT_MS = 60_000;

export interface PersisterOptions {
  readonly reportEveryMs?: number;
}

export function createPersister(options: PersisterOptions = {}): FunctionDefinition {
  return {
    name: 'persister',
    target: TARGETS.persister,
    group: GROUPS.persister,
    run: (ctx) => persist(ctx, options),
    consumes: (command) => [command.kafka_topic],
  };
}

async function persist(ctx: StepContext, options: PersisterOptions): Promise<StepResult> {
  const { command, store, signal } = ctx;
  const range = command.time_range;
  const type = command.type;
  if (type.kind === 'depth') throw new Error('the persister stores candles and trades');
  const kind = type.kind;
  const collection = command.collection_name;
  await store.ensureCollection(collection);
  const dataset = (gaps: DatasetDoc['gaps']): DatasetDoc => ({
    _key: collection,
    symbol: command.symbol,
    type: formatDataType(type),
    kind,
    interval: type.kind === 'candles' ? type.interval : null,
    from: range.from,
    to: range.to,
    updated_at: new Date().toISOString(),
    gaps,
  });
  await store.upsert(DATASETS, [dataset([])]);

  let indicators: CandleIndicatorState | undefined;
  const indicatorsFor = async (first: Candle, record: BusRecord) => {
    // Resuming mid-stream after a crash: the state is fed everything before this record, as an
    // uninterrupted run would have seen it.
    indicators ??= record.offset > 0 ? await rebuild(ctx, first, record) : freshIndicators(first);
    return indicators;
  };

  let written = 0;
  let end: EndOfStream | undefined;
  let lastReport = 0;
  for await (const batch of consume(ctx, { fn: 'persister', group: GROUPS.persister, topic: dataTopic(command.kafka_topic), signal, maxBatchSize: 2000 })) {
    const docs: Doc[] = [];
    let endRecord: BusRecord | undefined;
    for (const { value, record } of batch.messages) {
      if (value.kind === 'end') {
        end = value;
        endRecord = record;
        break;
      }
      // Books and updates of a candle still open are for live views: the store keeps history.
      if (value.kind === 'book' || (value.kind === 'candle' && value.partial)) continue;
      if (value.kind === 'candle') {
        const values = (await indicatorsFor(value, record)).next(value);
        if (!value.warmup) docs.push(candleDoc(value, values));
      } else docs.push(tradeDoc(value));
    }
    // One layer retries: a failed write ends the attempt uncommitted, and the step's retry resumes here.
    if (docs.length) await store.upsert(collection, docs);
    written += docs.length;
    // Records after the end belong to a later run of the loader; they stay for whoever reads next.
    await batch.commit(endRecord);
    if (end) break;
    if (Date.now() - lastReport >= (options.reportEveryMs ?? 500)) {
      lastReport = Date.now();
      await ctx.report({ message: `Saved ${written} records`, records_written: written });
    }
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

/**
 * The records before `record` are the loader's warm-up and the candles already stored: replayed from the
 * data topic itself (the warm-up is never stored), or, if retention has already trimmed the topic's head,
 * rebuilt from the stored candles of the warm-up window and of the UTC day so far.
 */
const freshIndicators = (first: Candle) => new CandleIndicatorState(fixedIntervalMs(first.interval) ?? 30 * 86_400_000);

async function rebuild(ctx: StepContext, first: Candle, record: BusRecord): Promise<CandleIndicatorState> {
  const state = freshIndicators(first);
  const topic = dataTopic(record.topic);
  const replay = ctx.bus.subscribe({ group: `${GROUPS.persister}-replay-${randomUUID()}`, topics: [topic.name], fromBeginning: true });
  // Everything replayed is already in the topic; a replay that stalls is given up, not waited on forever.
  const timer = setTimeout(() => void replay.close(), REPLAY_TIMEOUT_MS);
  let next = 0;
  try {
    replaying: for await (const batch of replay) {
      for (const earlier of batch.records) {
        if (earlier.offset !== next || next === record.offset) break replaying;
        const parsed = decodeRecord(topic, earlier.value);
        if (parsed.ok && parsed.value.kind === 'candle' && !parsed.value.partial) state.next(parsed.value);
        next++;
      }
      if (next === record.offset) break;
    }
  } finally {
    clearTimeout(timer);
    await replay.close();
  }
  if (next === record.offset) return state;
  ctx.logger.warn({ offset: record.offset, replayed: next }, "the data topic's head is gone; rebuilding indicators from the stored candles");
  const fromStore = freshIndicators(first);
  const since = Math.min(warmupFrom(first.open_time, first.interval), intervalOpenTime(first.open_time, '1d'));
  for (const bar of await ctx.store.query<CandleDoc>(ctx.command.collection_name, { field: 'open_time', from: since, to: first.open_time })) fromStore.next(bar);
  return fromStore;
}
