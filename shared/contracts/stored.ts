// Stored documents, shared by the persister that writes them and the readers: candles keyed by open time with their indicators, trades keyed by aggregate id.
import type { Candle, Trade } from './market.ts';
import type { CandleIndicators } from '../analytics/indicators.ts';
import type { Doc } from '../ports/store.ts';

export type CandleDoc = Doc & Omit<Candle, 'kind' | 'warmup'> & CandleIndicators;
export type TradeDoc = Doc & Omit<Trade, 'kind'>;

export function candleDoc(candle: Candle, indicators: CandleIndicators): CandleDoc {
  const { kind: _kind, warmup: _warmup, ...fields } = candle;
  return { _key: String(candle.open_time), ...fields, ...indicators };
}

export function tradeDoc(trade: Trade): TradeDoc {
  const { kind: _kind, ...fields } = trade;
  return { _key: String(trade.agg_id), ...fields };
}

/** The field each kind of collection is ordered and ranged by. */
export const TIME_FIELD = { candles: 'open_time', trades: 'time' } as const;

/** Catalog of stored datasets, so readers can find every collection holding a symbol's data. */
export const DATASETS = 'datasets';

export interface DatasetDoc extends Doc {
  readonly symbol: string;
  readonly type: string;
  readonly kind: 'candles' | 'trades';
  readonly interval: string | null;
  readonly from: number;
  readonly to: number;
  readonly updated_at: string;
  readonly gaps: readonly { from: number; to: number }[];
}
