// loader (the seed's loader-producer): historical klines and aggregated trades from a Binance-compatible
// REST API into the step's data topic, keyed by symbol, closed by an end-of-stream record.
import { isKlineInterval } from '../../shared/binance/intervals.ts';
import { BinanceRest } from '../../shared/binance/rest-client.ts';
import type { EndOfStream, MarketRecord } from '../../shared/contracts/market.ts';
import { candleInterval, parseTimeRange } from '../../shared/contracts/workflow.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import { candlePages, findGaps } from './candles.ts';
import { tradePages, type IdGap } from './trades.ts';

export interface LoaderOptions {
  /** Binance-compatible REST base URL: real Binance or the exchange simulator. */
  readonly restUrl: string;
  /** Progress reports at most this often. */
  readonly reportEveryMs?: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

export function createLoader(options: LoaderOptions): FunctionDefinition {
  return {
    name: 'loader',
    target: 'loader-producer',
    group: 'loader-producer-group',
    run: (ctx) => load(ctx, options),
  };
}

async function load(ctx: StepContext, options: LoaderOptions): Promise<StepResult> {
  const { command, bus, signal } = ctx;
  const range = parseTimeRange(command.time_range);
  const rest = new BinanceRest({
    baseUrl: options.restUrl,
    onWait: (reason, ms) => ctx.logger.info({ reason, ms }, 'waiting before the next request'),
  });
  await bus.ensureTopic(command.kafka_topic, { partitions: 1 });
  let sent = 0;
  let lastReport = 0;
  const publish = async (records: readonly MarketRecord[], counted: number) => {
    await bus.publish(command.kafka_topic, records.map((record) => ({ key: command.symbol, value: JSON.stringify(record) })));
    sent += counted;
    if (Date.now() - lastReport >= (options.reportEveryMs ?? 500)) {
      lastReport = Date.now();
      await ctx.report({ message: `Loaded ${sent} records`, records_written: sent });
    }
  };

  const interval = candleInterval(command.type);
  let gaps: { from: number; to: number }[] = [];
  let detail = '';
  if (interval && command.type.startsWith('api_')) {
    if (!isKlineInterval(interval)) throw new NonRetriableError(`unknown interval in ${command.type}`);
    const openTimes: number[] = [];
    for await (const page of candlePages(rest, command.symbol, interval, range, signal)) {
      const inRange = page.filter((c) => !c.warmup);
      openTimes.push(...inRange.map((c) => c.open_time));
      await publish(page, inRange.length);
    }
    gaps = findGaps(openTimes, interval, range);
    detail = gaps.length ? `; ${gaps.length} gap(s) reported by the exchange, first ${iso(gaps[0]!.from)}–${iso(gaps[0]!.to)}` : '';
  } else if (command.type === 'api_trades') {
    const idGaps: IdGap[] = [];
    for await (const page of tradePages(rest, command.symbol, range, signal, (gap) => idGaps.push(gap))) await publish(page, page.length);
    detail = idGaps.length ? `; ${idGaps.length} trade-id gap(s), first after id ${idGaps[0]!.afterId}` : '';
  } else {
    throw new NonRetriableError(`the loader does not load ${command.type}`);
  }

  const end: EndOfStream = { kind: 'end', symbol: command.symbol, records: sent, gaps };
  await bus.publish(command.kafka_topic, [{ key: command.symbol, value: JSON.stringify(end) }]);
  return { records_written: sent, message: `Loaded ${sent} records${detail}` };
}
