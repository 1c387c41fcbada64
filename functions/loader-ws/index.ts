// loader-ws: a live stream from the exchange's WebSocket into the step's data topic, keyed by symbol.
// Trades (aggregate, by id), candles (every update of the open one, then the closed one) or the order book
// (kept locally from a snapshot and diffs, its top published a few times a second). It runs until the
// orchestrator stops it or the range ends on the exchange's clock; a dropped connection is reconnected and
// what it missed is fetched from REST, so the stream stays complete.
import { BinanceRest } from '../../shared/binance/rest-client.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { type MarketRecord, dataTopic } from '../../shared/contracts/market.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import { deadLetter } from '../../shared/harness/dead-letter.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import { publish, publishOrDeadLetter } from '../../shared/harness/publish.ts';
import { type ConnectionNotice, StreamConnection, type StreamConnectionOptions } from './connection.ts';
import { Inbox } from './inbox.ts';
import { type Counters, type HandlerSettings, handlerFor } from './streams.ts';

const FN = 'loader-ws';

/** What records_written counts: trades, closed candles in the range, order books; not updates of an open candle or warm-up bars. */
const counts = (r: MarketRecord) => r.kind !== 'end' && !(r.kind === 'candle' && (r.partial || r.warmup));

export interface LoaderWsOptions {
  /** Binance-compatible REST base URL (snapshots and backfill). */
  readonly restUrl: string;
  /** Binance-compatible stream base URL, e.g. wss://stream.binance.com:9443. */
  readonly wsUrl: string;
  /** Levels per side in each published order book. */
  readonly bookLevels?: number;
  /** At most one order book per this many ms. */
  readonly bookEveryMs?: number;
  readonly reportEveryMs?: number;
  readonly connection?: Pick<StreamConnectionOptions, 'rotateAfterMs' | 'silenceMs' | 'minBackoffMs' | 'maxBackoffMs'>;
}

export function createLoaderWs(options: LoaderWsOptions): FunctionDefinition {
  return { name: FN, target: TARGETS.loaderWs, run: (ctx) => stream(ctx, options) };
}

async function stream(ctx: StepContext, options: LoaderWsOptions): Promise<StepResult> {
  const { command, signal, logger } = ctx;
  const type = command.type;
  if (type.source !== 'ws') throw new NonRetriableError(`loader-ws streams live types only, not ${formatDataType(type)}`);
  const topic = dataTopic(command.kafka_topic);
  await ctx.bus.ensureTopic(topic.name, { partitions: 1 });
  const memo = ctx.memo<HandlerSettings['memo'] & { sent: number; counters: Counters; reconnects: number }>(() => ({
    sent: 0,
    counters: { backfilled: 0, resyncs: 0 },
    reconnects: 0,
  }));
  const rest = new BinanceRest({ baseUrl: options.restUrl, onWait: (reason, ms) => logger.info({ reason, ms }, 'waiting before the next request') });
  const handler = handlerFor(type, {
    rest,
    symbol: command.symbol,
    range: command.time_range,
    bookLevels: options.bookLevels ?? 100,
    bookEveryMs: options.bookEveryMs ?? 250,
    counters: memo.counters,
    memo,
  });

  const inbox = new Inbox();
  const rejectedFrames: { text: string; reason: string }[] = [];
  const noticed = (notice: ConnectionNotice) => {
    if (notice.kind === 'bad-frame') {
      rejectedFrames.push({ text: notice.text, reason: notice.reason });
      ctx.instrumentation.emit('live.skipped', { fn: FN, reason: notice.reason.startsWith('unknown stream') ? 'unknown-stream' : 'not-json' });
      return;
    }
    if (notice.kind === 'dropped') {
      if (notice.wasOpen) {
        memo.reconnects++;
        ctx.instrumentation.emit('live.reconnected', { fn: FN });
      }
      const message = notice.wasOpen ? 'stream connection dropped; reconnecting' : 'could not connect to the stream; trying again';
      logger.warn({ code: notice.code, reason: notice.reason, inMs: notice.reconnectInMs }, message);
    } else logger.info(notice, notice.kind === 'open' ? 'stream connected' : 'rotating the stream connection');
  };
  const connection = new StreamConnection({ baseUrl: options.wsUrl, streams: handler.streams, onFrame: (frame) => inbox.push(frame), onNotice: noticed, ...options.connection });

  const source = `${options.wsUrl}/stream?streams=${handler.streams.join('/')}`;
  const publishLive = async (records: MarketRecord[]) => {
    const published = await publishOrDeadLetter(ctx, FN, topic, records, source);
    memo.sent += records.filter(counts).length;
    const now = Date.now();
    const latencies = records.flatMap((r) => (r.kind !== 'end' && r.event_time !== undefined ? [now - r.event_time] : []));
    if (latencies.length)
      ctx.instrumentation.emit('live.published', { fn: FN, stream: formatDataType(type), symbol: command.symbol, queueId: command.queue_id, latenciesMs: latencies });
    return published;
  };
  const summary = () => `${memo.sent} records live (${memo.reconnects} reconnects, ${memo.counters.backfilled} backfilled from REST, ${memo.counters.resyncs} order-book resyncs)`;

  let lastReport = 0;
  let ended = false;
  try {
    while (!ended && !signal.aborted) {
      const frames = await inbox.take(options.bookEveryMs ?? 250, signal);
      const { backfilled, resyncs } = memo.counters;
      const handled = await handler.handle(frames, signal);
      if (memo.counters.backfilled > backfilled) ctx.instrumentation.emit('live.backfilled', { fn: FN, records: memo.counters.backfilled - backfilled });
      if (memo.counters.resyncs > resyncs) ctx.instrumentation.emit('live.resynced', { fn: FN, count: memo.counters.resyncs - resyncs });
      for (const { frame, reason } of handled.rejected) {
        await deadLetter(ctx, FN, { key: command.symbol, value: JSON.stringify(frame.data), source }, reason);
      }
      for (const bad of rejectedFrames.splice(0)) {
        logger.warn({ reason: bad.reason, frame: bad.text }, 'skipped a stream message');
        await deadLetter(ctx, FN, { key: command.symbol, value: bad.text, source }, bad.reason);
      }
      if (handled.records.length) await publishLive(handled.records);
      ended = handled.ended;
      if (Date.now() - lastReport >= (options.reportEveryMs ?? 1000)) {
        lastReport = Date.now();
        await ctx.report({ message: `Streaming: ${summary()}`, records_written: memo.sent });
      }
    }
  } finally {
    connection.close();
  }
  signal.throwIfAborted();
  await publish(ctx.bus, topic, [{ kind: 'end', symbol: command.symbol, records: memo.sent, gaps: [] }]);
  return { records_written: memo.sent, message: `Range ended: ${summary()}` };
}
