// Wire formats: Binance kline arrays and aggTrade objects with 8-decimal
// string amounts.
import { formatQuote, formatScaled } from './aggregate.ts';
import type { AggTrade } from './hours.ts';
import type { Candle } from './market.ts';
import type { SymbolConfig } from './options.ts';
import type { RawAggTrade, RawKline } from '../../shared/binance/wire.ts';

export type KlineRow = RawKline;
export type AggTradeJson = RawAggTrade;

/** [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBase, takerBuyQuote, "0"] */
export function klineRow({ tickSize, stepSize }: SymbolConfig, c: Candle): KlineRow {
  const s = c.stats;
  return [
    c.openTime,
    formatScaled(s.open, tickSize),
    formatScaled(s.high, tickSize),
    formatScaled(s.low, tickSize),
    formatScaled(s.close, tickSize),
    formatScaled(s.volume, stepSize),
    c.closeTime,
    formatQuote(s.quote, tickSize, stepSize),
    s.trades,
    formatScaled(s.takerVolume, stepSize),
    formatQuote(s.takerQuote, tickSize, stepSize),
    '0',
  ];
}

export function aggTradeJson({ tickSize, stepSize }: SymbolConfig, t: AggTrade): AggTradeJson {
  return { a: t.a, p: formatScaled(t.p, tickSize), q: formatScaled(t.q, stepSize), f: t.f, l: t.l, T: t.T, m: t.m, M: true };
}
