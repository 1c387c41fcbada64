// Binance REST rows -> the platform's normalized market records.
import type { KlineInterval } from '../../shared/binance/intervals.ts';
import type { RawAggTrade, RawKline } from '../../shared/binance/rest-client.ts';
import type { Candle, Trade } from '../../shared/contracts/market.ts';

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
