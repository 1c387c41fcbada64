// loader (the seed's loader-producer): historical klines and aggregated trades from a Binance-compatible
// REST API into the step's data topic, keyed by symbol, closed by an end-of-stream record. It loads only
// what has closed on the exchange's clock, and resumes where it stopped when the step is retried.
import { intervalOpenTime } from '../../shared/binance/intervals.ts';
import { BinanceRest } from '../../shared/binance/rest-client.ts';
import { type DataType, formatDataType } from '../../shared/contracts/data-type.ts';
import { type Gap, type MarketRecord, dataTopic } from '../../shared/contracts/market.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import type { TimeRange } from '../../shared/contracts/time-range.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import { publish, publishOrDeadLetter } from '../../shared/harness/publish.ts';
import { type CandleCursor, candlePages, startCandles } from '../../shared/binance/kline-pages.ts';
import { findGaps } from './candles.ts';
import { type TradeCursor, startTrades, tradePages } from './trades.ts';

export interface LoaderOptions {
  /** Binance-compatible REST base URL: real Binance or the exchange simulator. */
  readonly restUrl: string;
  /** Progress reports at most this often. */
  readonly reportEveryMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

interface LoadState {
  /** The range as far as the exchange has closed it, fixed on the first attempt. */
  range?: TimeRange;
  clipped?: string;
  sent: number;
  candles?: CandleCursor;
  openTimes: number[];
  trades?: TradeCursor;
  ended: boolean;
}

export function createLoader(options: LoaderOptions): FunctionDefinition {
  return { name: 'loader', target: TARGETS.loader, run: (ctx) => load(ctx, options) };
}

/** Clip at the exchange's clock: candles only once closed, trades only up to now. */
async function closedRange(rest: BinanceRest, type: DataType, range: TimeRange, signal: AbortSignal): Promise<{ range: TimeRange; clipped?: string }> {
  const now = await rest.serverTime(signal);
  const until = type.kind === 'candles' ? intervalOpenTime(now, type.interval) : now;
  if (until >= range.to) return { range };
  const to = Math.max(range.from, until);
  const what = type.kind === 'candles' ? `the last closed ${type.interval} candle ended at ${iso(until)}` : `the exchange's clock reads ${iso(now)}`;
  return { range: { from: range.from, to }, clipped: `range clipped at ${iso(to)}: ${what}` };
}

async function load(ctx: StepContext, options: LoaderOptions): Promise<StepResult> {
  const { command, signal } = ctx;
  const type = command.type;
  if (type.source !== 'api') throw new NonRetriableError(`the loader does not load ${formatDataType(type)}`);
  const rest = new BinanceRest({ baseUrl: options.restUrl, onWait: (reason, ms) => ctx.logger.info({ reason, ms }, 'waiting before the next request') });
  const topic = dataTopic(command.kafka_topic);
  const state = ctx.memo<LoadState>(() => ({ sent: 0, openTimes: [], ended: false }));
  if (!state.range) Object.assign(state, await closedRange(rest, type, command.time_range, signal));
  const range = state.range!;
  await ctx.bus.ensureTopic(topic.name, { partitions: 1 });

  let lastReport = 0;
  const publishPage = async (records: readonly MarketRecord[], source: string) => {
    const published = await publishOrDeadLetter(ctx, 'loader', topic, records, `${options.restUrl}${source}`);
    if (Date.now() - lastReport >= (options.reportEveryMs ?? 500)) {
      lastReport = Date.now();
      await ctx.report({ message: `Loaded ${state.sent + published} records`, records_written: state.sent + published });
    }
    return published;
  };

  let gaps: Gap[] = [];
  let detail = '';
  if (type.kind === 'candles') {
    state.candles ??= startCandles(range, type.interval);
    for await (const page of candlePages(rest, command.symbol, type.interval, range, state.candles, signal)) {
      const published = await publishPage(page.candles, '/api/v3/klines');
      if (!page.warmup) {
        state.sent += published;
        state.openTimes.push(...page.candles.map((c) => c.open_time));
      }
    }
    gaps = findGaps(state.openTimes, type.interval, range);
    detail = gaps.length ? `; ${gaps.length} gap(s) reported by the exchange, first ${iso(gaps[0]!.from)}–${iso(gaps[0]!.to)}` : '';
  } else {
    state.trades ??= startTrades(range);
    for await (const page of tradePages(rest, command.symbol, range, state.trades, signal)) state.sent += await publishPage(page, '/api/v3/aggTrades');
    const idGaps = state.trades.idGaps;
    detail = idGaps.length ? `; ${idGaps.length} trade-id gap(s), first after id ${idGaps[0]!.afterId}` : '';
  }
  if (!state.ended) {
    await publish(ctx.bus, topic, [{ kind: 'end', symbol: command.symbol, records: state.sent, gaps }]);
    state.ended = true;
  }
  return { records_written: state.sent, message: `Loaded ${state.sent} records${detail}${state.clipped ? `; ${state.clipped}` : ''}` };
}
