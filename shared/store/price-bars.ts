// A symbol's stored candles as the bars a trader acts on, for the backtester and the PPO agent. A candle
// whose prices are not finite positive numbers (a NaN, an Infinity, a zero or a null left by a faulty
// writer) is never handed on: it is left out and reported with its reason, and the series goes on.
import type { DataType } from '../contracts/data-type.ts';
import { collectionNameFor } from '../contracts/names.ts';
import type { CandleDoc } from '../contracts/stored.ts';
import type { TimeRange } from '../contracts/time-range.ts';
import type { Store } from '../ports/store.ts';
import type { PriceBar } from '../trading/execution.ts';

export interface RejectedBar {
  readonly open_time: number;
  readonly reason: string;
}

export interface PriceSeries {
  readonly symbol: string;
  readonly bars: PriceBar[];
  readonly rejected: RejectedBar[];
}

const PRICES = ['open', 'high', 'low', 'close'] as const;

/** Why a stored candle cannot be traded on, or undefined when it can. */
export function unusableBecause(candle: Record<string, unknown>): string | undefined {
  for (const field of PRICES) {
    const value = candle[field];
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return `${field} is ${describe(value)}, not a positive finite price`;
  }
  const volume = candle.volume;
  if (typeof volume !== 'number' || !Number.isFinite(volume) || volume < 0) return `volume is ${describe(volume)}, not a finite quantity`;
  return undefined;
}

const describe = (value: unknown) => (typeof value === 'number' ? String(value) : value === null ? 'null' : value === undefined ? 'missing' : JSON.stringify(value));

/** Splits candles into usable bars, in time order, and the rejected ones with their reasons. */
export function toPriceSeries(symbol: string, candles: readonly Record<string, unknown>[]): PriceSeries {
  const bars: PriceBar[] = [];
  const rejected: RejectedBar[] = [];
  for (const candle of candles) {
    const reason = unusableBecause(candle);
    const openTime = Number(candle.open_time);
    if (reason) rejected.push({ open_time: openTime, reason });
    else
      bars.push({
        open_time: openTime,
        open: candle.open as number,
        high: candle.high as number,
        low: candle.low as number,
        close: candle.close as number,
        volume: candle.volume as number,
      });
  }
  bars.sort((a, b) => a.open_time - b.open_time);
  return { symbol, bars, rejected };
}

/** The workflow's stored candles of a symbol over the range. */
export async function readPriceSeries(store: Store, symbol: string, type: DataType, range: TimeRange): Promise<PriceSeries> {
  const collection = collectionNameFor(symbol, type, range.from);
  const candles = await store.query<CandleDoc>(collection, { field: 'open_time', from: range.from, to: range.to });
  return toPriceSeries(symbol, candles);
}

/** "BTCUSDT: 2 candles left out (2024-08-01T10:05:00.000Z: close is NaN, not a positive finite price; …)". */
export function describeRejected(series: readonly PriceSeries[]): string | undefined {
  const parts = series
    .filter((s) => s.rejected.length > 0)
    .map((s) => {
      const examples = s.rejected.slice(0, 3).map((r) => `${new Date(r.open_time).toISOString()}: ${r.reason}`);
      return `${s.symbol}: ${s.rejected.length} candle${s.rejected.length === 1 ? '' : 's'} left out (${examples.join('; ')}${s.rejected.length > 3 ? '; …' : ''})`;
    });
  return parts.length ? parts.join('; ') : undefined;
}
