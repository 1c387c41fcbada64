// Binance REST rows and stream events -> the platform's normalized market records.
import type { KlineInterval } from './intervals.ts';
import type { RawAggTrade, RawKline } from './rest-client.ts';
import type { AggTradeEvent, KlineEvent } from './stream-wire.ts';
import type { Candle, Trade } from '../contracts/market.ts';

export function candleFromKline(symbol: string, interval: KlineInterval, row: RawKline, warmup: boolean): Candle {
  return {
    kind: 'candle',
    symbol,
    interval,
    open_time: row[0],
    close_time: row[6],
    open: Number(row[1]),
    high: Number(row[2]),
    low: Number(row[3]),
    close: Number(row[4]),
    volume: Number(row[5]),
    quote_volume: Number(row[7]),
    trades: row[8],
    taker_buy_base: Number(row[9]),
    taker_buy_quote: Number(row[10]),
    ...(warmup ? { warmup: true } : {}),
  };
}

export function tradeFromAggTrade(symbol: string, row: RawAggTrade): Trade {
  return {
    kind: 'trade',
    symbol,
    agg_id: row.a,
    price: Number(row.p),
    qty: Number(row.q),
    first_id: row.f,
    last_id: row.l,
    time: row.T,
    buyer_maker: row.m,
  };
}

/** A live aggregated trade: the same record REST gives for its id, with the exchange's event time. */
export function tradeFromAggTradeEvent(event: AggTradeEvent): Trade {
  return { ...tradeFromAggTrade(event.s, { ...event, M: event.M ?? true }), event_time: event.E };
}

/** A live kline: the closed candle as REST would give it, or the latest state of the open one (partial). */
export function candleFromKlineEvent(event: KlineEvent): Candle {
  const k = event.k;
  return {
    kind: 'candle',
    symbol: event.s,
    interval: k.i,
    open_time: k.t,
    close_time: k.T,
    open: Number(k.o),
    high: Number(k.h),
    low: Number(k.l),
    close: Number(k.c),
    volume: Number(k.v),
    quote_volume: Number(k.q),
    trades: k.n,
    taker_buy_base: Number(k.V),
    taker_buy_quote: Number(k.Q),
    ...(k.x ? {} : { partial: true as const }),
    event_time: event.E,
  };
}
