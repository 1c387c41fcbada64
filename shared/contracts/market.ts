// Normalized market records carried on data topics: readonly discriminated unions on `kind`. Readonly
// in their types only: every record crosses this schema twice, and freezing each one costs throughput.
import { z } from 'zod';
import { KLINE_INTERVALS } from '../binance/intervals.ts';
import { defineTopic } from './topic.ts';

// z.number() refuses NaN and ±Infinity.
const price = z.number().positive('must be positive');
const amount = z.number().nonnegative('must not be negative');
const epochMs = z.number().int().nonnegative();

export const candleSchema = z
  .strictObject({
    kind: z.literal('candle'),
    symbol: z.string().min(1),
    interval: z.enum(KLINE_INTERVALS),
    open_time: epochMs,
    close_time: epochMs,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: amount,
    quote_volume: amount,
    trades: z.number().int().nonnegative(),
    taker_buy_base: amount,
    taker_buy_quote: amount,
    /** Bars before the requested range, sent only to warm up indicators; never stored. */
    warmup: z.boolean().optional(),
  })
  .refine((c) => c.high >= Math.max(c.open, c.close, c.low) && c.low <= Math.min(c.open, c.close), {
    message: 'high/low must bound open and close',
    path: ['high'],
  })
  .refine((c) => c.close_time > c.open_time, { message: 'must be after open_time', path: ['close_time'] });

export const tradeSchema = z.strictObject({
  kind: z.literal('trade'),
  symbol: z.string().min(1),
  agg_id: z.number().int().nonnegative(),
  price,
  qty: price,
  first_id: z.number().int().nonnegative(),
  last_id: z.number().int().nonnegative(),
  time: epochMs,
  buyer_maker: z.boolean(),
});

export const gapSchema = z.strictObject({ from: epochMs, to: epochMs });

/** Closes a loader's stream: the persister finishes when it reads this. */
export const endOfStreamSchema = z.strictObject({
  kind: z.literal('end'),
  symbol: z.string().min(1),
  records: z.number().int().nonnegative(),
  gaps: z.array(gapSchema),
});

export const marketRecordSchema = z.discriminatedUnion('kind', [candleSchema, tradeSchema, endOfStreamSchema]);

export type Gap = Readonly<z.infer<typeof gapSchema>>;
export type Candle = Readonly<z.infer<typeof candleSchema>>;
export type Trade = Readonly<z.infer<typeof tradeSchema>>;
export type EndOfStream = Readonly<z.infer<typeof endOfStreamSchema>>;
export type MarketRecord = Candle | Trade | EndOfStream;

/** A step's data topic (the command's kafka_topic): one symbol, one partition, keyed by symbol. */
export const dataTopic = (name: string) => defineTopic(name, { schema: marketRecordSchema, key: (record) => record.symbol, valuesAreWire: true });
