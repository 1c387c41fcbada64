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
    /** A live candle still open on the exchange: its latest state, for live views; never stored. */
    partial: z.literal(true).optional(),
    /** Live records: the exchange's event time (Binance `E`), epoch ms. */
    event_time: epochMs.optional(),
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
  /** Live records: the exchange's event time (Binance `E`), epoch ms. */
  event_time: epochMs.optional(),
});

/** A price level: [price, quantity]. */
const levelSchema = z.tuple([price, price]);

/**
 * The top of a live order book as the loader keeps it (snapshot plus diffs): bids high to low, asks low
 * to high. A book is state, not history: it goes to live views, never to the store.
 */
export const bookSchema = z
  .strictObject({
    kind: z.literal('book'),
    symbol: z.string().min(1),
    /** The last exchange update id applied (Binance `u`, or the snapshot's lastUpdateId). */
    update_id: z.number().int().nonnegative(),
    event_time: epochMs,
    bids: z.array(levelSchema),
    asks: z.array(levelSchema),
  })
  .refine((b) => b.bids.every((l, i) => i === 0 || l[0] < b.bids[i - 1]![0]), { message: 'must be sorted high to low', path: ['bids'] })
  .refine((b) => b.asks.every((l, i) => i === 0 || l[0] > b.asks[i - 1]![0]), { message: 'must be sorted low to high', path: ['asks'] });

export const gapSchema = z.strictObject({ from: epochMs, to: epochMs });

/** Closes a loader's stream: the persister finishes when it reads this. */
export const endOfStreamSchema = z.strictObject({
  kind: z.literal('end'),
  symbol: z.string().min(1),
  records: z.number().int().nonnegative(),
  gaps: z.array(gapSchema),
});

export const marketRecordSchema = z.discriminatedUnion('kind', [candleSchema, tradeSchema, bookSchema, endOfStreamSchema]);

export type Gap = Readonly<z.infer<typeof gapSchema>>;
export type Candle = Readonly<z.infer<typeof candleSchema>>;
export type Trade = Readonly<z.infer<typeof tradeSchema>>;
export type Book = Readonly<z.infer<typeof bookSchema>>;
export type EndOfStream = Readonly<z.infer<typeof endOfStreamSchema>>;
export type MarketRecord = Candle | Trade | Book | EndOfStream;

/** A step's data topic (the command's kafka_topic): one symbol, one partition, keyed by symbol. */
export const dataTopic = (name: string) => defineTopic(name, { schema: marketRecordSchema, key: (record) => record.symbol, valuesAreWire: true });
