// Stored documents, shared by the persister that writes them and the readers: candles keyed by open time
// with their indicators, trades keyed by aggregate id, and the catalog of stored datasets.
import { z } from 'zod';
import type { CandleIndicators } from '../analytics/indicators.ts';
import { KLINE_INTERVALS } from '../binance/intervals.ts';
import type { Doc } from '../ports/store.ts';
import { type Candle, type Trade, gapSchema } from './market.ts';

const indicator = z.number().nullable();

export const storedCandleSchema = z.object({
  symbol: z.string(),
  interval: z.enum(KLINE_INTERVALS),
  open_time: z.number().int(),
  close_time: z.number().int(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  quote_volume: z.number(),
  trades: z.number().int(),
  taker_buy_base: z.number(),
  taker_buy_quote: z.number(),
  rsi_14: indicator.describe('RSI(14), Wilder smoothing with TA-Lib seeding'),
  vwap: indicator.describe('VWAP of the typical price, anchored to the UTC day'),
  volatility_30: indicator.describe('standard deviation of the last 30 log returns, annualized'),
});

export const storedTradeSchema = z.object({
  symbol: z.string(),
  agg_id: z.number().int(),
  price: z.number(),
  qty: z.number(),
  first_id: z.number().int(),
  last_id: z.number().int(),
  time: z.number().int(),
  buyer_maker: z.boolean(),
});

export type StoredCandle = z.infer<typeof storedCandleSchema>;
export type StoredTrade = z.infer<typeof storedTradeSchema>;
export type CandleDoc = Doc & StoredCandle;
export type TradeDoc = Doc & StoredTrade;

// Spelled out field by field: these run for every stored record, and a literal is cheaper than a rest spread.
export function candleDoc(c: Candle, indicators: CandleIndicators): CandleDoc {
  return {
    _key: String(c.open_time),
    symbol: c.symbol,
    interval: c.interval,
    open_time: c.open_time,
    close_time: c.close_time,
    open: c.open,
    high: c.high,
    low: c.low,
    close: c.close,
    volume: c.volume,
    quote_volume: c.quote_volume,
    trades: c.trades,
    taker_buy_base: c.taker_buy_base,
    taker_buy_quote: c.taker_buy_quote,
    rsi_14: indicators.rsi_14,
    vwap: indicators.vwap,
    volatility_30: indicators.volatility_30,
  };
}

export function tradeDoc(t: Trade): TradeDoc {
  return {
    _key: String(t.agg_id),
    symbol: t.symbol,
    agg_id: t.agg_id,
    price: t.price,
    qty: t.qty,
    first_id: t.first_id,
    last_id: t.last_id,
    time: t.time,
    buyer_maker: t.buyer_maker,
  };
}

/** The field each kind of collection is ordered and ranged by, and what orders records sharing a time. */
export const TIME_FIELD = { candles: 'open_time', trades: 'time' } as const;
export const TIEBREAK_FIELD = { candles: 'open_time', trades: 'agg_id' } as const;

/** Catalog of stored datasets, so readers can find every collection holding a symbol's data. */
export const DATASETS = 'datasets';

export const datasetSchema = z.object({
  symbol: z.string(),
  type: z.string().describe('the seed name of the data type, e.g. api_candles_5m'),
  kind: z.enum(['candles', 'trades']),
  interval: z.enum(KLINE_INTERVALS).nullable(),
  from: z.number().int(),
  to: z.number().int(),
  updated_at: z.string(),
  gaps: z.array(gapSchema).readonly(),
});
export type DatasetDoc = Doc & z.infer<typeof datasetSchema>;
