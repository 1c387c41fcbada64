// Binance's REST wire format, shared by the client that reads it and the simulator that writes it.

/** [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore] */
export type RawKline = [number, string, string, string, string, string, number, string, number, string, string, string];

/** One aggregated trade: id, price, quantity, first and last trade id, time, buyer is maker, best match. */
export interface RawAggTrade {
  a: number;
  p: string;
  q: string;
  f: number;
  l: number;
  T: number;
  m: boolean;
  M: boolean;
}
