// What loader-ws does with each live type: the streams it follows and how their frames become records.
// Every handler keeps its stream exact: trades by id with REST backfill, closed candles by open time with
// REST backfill, the order book by update id with a snapshot resync.
import { type KlineInterval, nextOpenTime } from '../../shared/binance/intervals.ts';
import { candlePages, startCandles } from '../../shared/binance/kline-pages.ts';
import { candleFromKlineEvent, tradeFromAggTradeEvent } from '../../shared/binance/normalize.ts';
import type { BinanceRest } from '../../shared/binance/rest-client.ts';
import { aggTradeEventSchema, depthUpdateEventSchema, klineEventSchema, streamNames } from '../../shared/binance/stream-wire.ts';
import type { DataType } from '../../shared/contracts/data-type.ts';
import type { Candle, MarketRecord } from '../../shared/contracts/market.ts';
import type { TimeRange } from '../../shared/contracts/time-range.ts';
import { RetriableError, describeInvalid } from '../../shared/errors.ts';
import type { Frame } from './connection.ts';
import { LocalOrderBook } from './order-book.ts';
import { TradeSequence } from './trade-sequence.ts';

export interface Handled {
  readonly records: MarketRecord[];
  /** Frames that did not parse as their stream's event: dead-lettered by the caller. */
  readonly rejected: { readonly frame: Frame; readonly reason: string }[];
  /** The range's end has been reached on the exchange's clock. */
  readonly ended: boolean;
}

export interface Counters {
  backfilled: number;
  resyncs: number;
}

export interface StreamHandler {
  readonly streams: readonly string[];
  handle(frames: readonly Frame[], signal: AbortSignal): Promise<Handled>;
}

export interface HandlerSettings {
  readonly rest: BinanceRest;
  readonly symbol: string;
  readonly range: TimeRange;
  /** Levels per side in each published book. */
  readonly bookLevels: number;
  /** At most one book a this often. */
  readonly bookEveryMs: number;
  readonly counters: Counters;
  /** State that must outlive an attempt of the step (the last id or open time published). */
  readonly memo: { lastTradeId?: number; lastClosedOpen?: number; warmedUp?: boolean };
}

function parseFrames<T>(frames: readonly Frame[], schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } }) {
  const events: T[] = [];
  const rejected: Handled['rejected'] = [];
  for (const frame of frames) {
    const parsed = schema.safeParse(frame.data);
    if (parsed.success) events.push(parsed.data);
    else rejected.push({ frame, reason: `${frame.stream}: ${describeInvalid(parsed.error)}` });
  }
  return { events, rejected };
}

export function handlerFor(type: DataType, settings: HandlerSettings): StreamHandler {
  if (type.kind === 'trades') return tradesHandler(settings);
  if (type.kind === 'candles') return candlesHandler(settings, type.interval);
  return depthHandler(settings);
}

function tradesHandler({ rest, symbol, range, counters, memo }: HandlerSettings): StreamHandler {
  const sequence = new TradeSequence(rest, symbol, memo.lastTradeId);
  return {
    streams: [streamNames.aggTrade(symbol)],
    async handle(frames, signal) {
      const { events, rejected } = parseFrames(frames, aggTradeEventSchema);
      const records: MarketRecord[] = [];
      for (const event of events) {
        if (event.T >= range.to) return { records, rejected, ended: true };
        const accepted = await sequence.accept(tradeFromAggTradeEvent(event), signal);
        records.push(...accepted.trades);
        counters.backfilled += accepted.backfilled;
        memo.lastTradeId = sequence.last;
      }
      return { records, rejected, ended: false };
    },
  };
}

function candlesHandler({ rest, symbol, range, counters, memo }: HandlerSettings, interval: KlineInterval): StreamHandler {
  /** The candles of `range` (closed ones: it ends before a live candle), after its warm-up bars when asked. */
  const candlesOf = async (range: TimeRange, withWarmup: boolean, signal: AbortSignal): Promise<Candle[]> => {
    const cursor = withWarmup ? startCandles(range, interval) : { phase: 'range' as const, next: range.from };
    const out: Candle[] = [];
    for await (const page of candlePages(rest, symbol, interval, range, cursor, signal)) out.push(...page.candles);
    return out;
  };
  return {
    streams: [streamNames.kline(symbol, interval)],
    async handle(frames, signal) {
      const { events, rejected } = parseFrames(frames, klineEventSchema);
      const records: MarketRecord[] = [];
      let partial: Candle | undefined;
      let ended = false;
      for (const event of events) {
        const candle = candleFromKlineEvent(event);
        if (candle.open_time >= range.to) {
          ended = true;
          break;
        }
        if (!memo.warmedUp) {
          // The bars before the first live one, so indicators are right from it on (warm-up: never stored).
          const bars = await candlesOf({ from: candle.open_time, to: candle.open_time }, true, signal);
          records.push(...bars);
          memo.lastClosedOpen = bars.at(-1)?.open_time;
          memo.warmedUp = true;
        }
        const last = memo.lastClosedOpen;
        if (last !== undefined && candle.open_time <= last) continue; // already closed and published
        if (candle.partial) {
          partial = candle; // only the newest state of the open candle matters
          continue;
        }
        if (last !== undefined && candle.open_time > nextOpenTime(last, interval)) {
          const missed = await candlesOf({ from: nextOpenTime(last, interval), to: candle.open_time }, false, signal);
          records.push(...missed);
          counters.backfilled += missed.length;
        }
        records.push(candle);
        memo.lastClosedOpen = candle.open_time;
        if (partial && partial.open_time <= candle.open_time) partial = undefined;
      }
      if (partial) records.push(partial);
      return { records, rejected, ended };
    },
  };
}

const SNAPSHOT_LIMIT = 5000;
const SNAPSHOT_TRIES = 10;
const CLOCK_EVERY_MS = 10_000;

function depthHandler({ rest, symbol, range, bookLevels, bookEveryMs, counters }: HandlerSettings): StreamHandler {
  const book = new LocalOrderBook();
  let everSynced = false;
  let lastEventTime = 0;
  let publishedId: number | undefined;
  let publishedAt = 0;
  /** A book carries no exchange time of its own: the exchange's clock is asked now and then. */
  let clockAskedAt = 0;
  let ended = false;
  /** Binance: the snapshot must not be older than the first buffered diff; ask again until it is. */
  const sync = async (signal: AbortSignal) => {
    for (let tries = 1; ; tries++) {
      const snapshot = await rest.depth({ symbol, limit: SNAPSHOT_LIMIT }, signal);
      if (book.applySnapshot(snapshot) === 'applied') return;
      if (tries >= SNAPSHOT_TRIES) throw new RetriableError(`the order-book snapshot stayed older than the diff stream after ${tries} tries`);
      await new Promise((resolve) => setTimeout(resolve, 100 * tries));
    }
  };
  return {
    streams: [streamNames.depth(symbol)],
    async handle(frames, signal) {
      const { events, rejected } = parseFrames(frames, depthUpdateEventSchema);
      for (const diff of events) {
        lastEventTime = diff.E;
        if (book.handle(diff) === 'gap' && everSynced) counters.resyncs++;
      }
      if (!book.synced && book.firstBufferedId !== undefined) {
        await sync(signal);
        everSynced = true;
      }
      const records: MarketRecord[] = [];
      const now = Date.now();
      const id = book.lastUpdateId;
      if (id !== undefined && id !== publishedId && now - publishedAt >= bookEveryMs) {
        records.push({ kind: 'book', symbol, update_id: id, event_time: lastEventTime, ...book.top(bookLevels) });
        publishedId = id;
        publishedAt = now;
      }
      if (now - clockAskedAt >= CLOCK_EVERY_MS) {
        clockAskedAt = now;
        ended = (await rest.serverTime(signal)) >= range.to;
      }
      return { records, rejected, ended };
    },
  };
}
