// Binance's WebSocket market-stream payloads as a client reads them: the combined-stream wrapper and the
// events the platform follows. Prices and quantities are decimal strings, as on the REST side.
import { z } from 'zod';
import { KLINE_INTERVALS } from './intervals.ts';

const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string');
const ms = z.number().int().nonnegative();
const level = z.tuple([decimal, decimal]);

export const aggTradeEventSchema = z.object({
  e: z.literal('aggTrade'),
  /** Event time: when the exchange sent it. */
  E: ms,
  s: z.string(),
  a: z.number().int().nonnegative(),
  p: decimal,
  q: decimal,
  f: z.number().int().nonnegative(),
  l: z.number().int().nonnegative(),
  T: ms,
  m: z.boolean(),
  M: z.boolean().optional(),
});

export const klineEventSchema = z.object({
  e: z.literal('kline'),
  E: ms,
  s: z.string(),
  k: z.object({
    t: ms,
    T: ms,
    s: z.string(),
    i: z.enum(KLINE_INTERVALS),
    o: decimal,
    c: decimal,
    h: decimal,
    l: decimal,
    v: decimal,
    n: z.number().int().nonnegative(),
    /** The candle has closed: this is its final state. */
    x: z.boolean(),
    q: decimal,
    V: decimal,
    Q: decimal,
  }),
});

export const depthUpdateEventSchema = z.object({
  e: z.literal('depthUpdate'),
  E: ms,
  s: z.string(),
  /** First and last update id in this event. */
  U: z.number().int().nonnegative(),
  u: z.number().int().nonnegative(),
  b: z.array(level),
  a: z.array(level),
});

/** Sent before the exchange closes connections for maintenance: reconnect. */
export const serverShutdownEventSchema = z.object({ e: z.literal('serverShutdown'), E: ms });

/** GET /api/v3/depth */
export const depthSnapshotSchema = z.object({ lastUpdateId: z.number().int().nonnegative(), bids: z.array(level), asks: z.array(level) });

export type AggTradeEvent = z.infer<typeof aggTradeEventSchema>;
export type KlineEvent = z.infer<typeof klineEventSchema>;
export type DepthUpdateEvent = z.infer<typeof depthUpdateEventSchema>;
export type DepthSnapshot = z.infer<typeof depthSnapshotSchema>;

/** A combined stream's frame: `{stream, data}`. A reply to SUBSCRIBE and friends has `id` instead. */
export const combinedFrameSchema = z.union([
  z.object({ stream: z.string().min(1), data: z.looseObject({ e: z.string() }) }),
  z.object({ id: z.union([z.number(), z.string(), z.null()]), result: z.unknown().optional(), error: z.unknown().optional() }),
]);

/** Stream names: symbols lower-case. */
export const streamNames = {
  aggTrade: (symbol: string) => `${symbol.toLowerCase()}@aggTrade`,
  kline: (symbol: string, interval: string) => `${symbol.toLowerCase()}@kline_${interval}`,
  depth: (symbol: string) => `${symbol.toLowerCase()}@depth@100ms`,
};
