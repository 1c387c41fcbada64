// WebSocket payloads as Binance sends them, serialized once per event and shared by every subscriber.
// `E`, the event time, is the wall-clock ms (Date.now()) at which the server produced and sent the event;
// `T` and the kline times are on the simulator clock, which runs `speed` times faster than the wall clock.
// The platform's latency benchmark measures from E; messages a ws-stall fault held back keep their E, so
// the stall shows as latency. Amounts are 8-decimal strings, as the REST API writes them.
import type { KlineInterval } from '../../../shared/binance/intervals.ts';
import { formatScaled } from '../aggregate.ts';
import type { AggTrade } from '../hours.ts';
import type { Candle } from '../market.ts';
import type { SymbolConfig } from '../options.ts';
import { aggTradeJson, klineRow } from '../rows.ts';
import type { WireLevel } from './books.ts';

export function aggTradeEvent(config: SymbolConfig, t: AggTrade, eventTime: number): string {
  return JSON.stringify({ e: 'aggTrade', E: eventTime, s: config.symbol, ...aggTradeJson(config, t) });
}

/**
 * Quantity in steps of part `j` of `parts`: an even split whose parts add up to `qty` exactly (a part is
 * 0 only when the aggregate holds fewer steps than trades, which the default symbols never do).
 */
export function tradePart(qty: number, parts: number, j: number): number {
  return Math.floor((qty * (j + 1)) / parts) - Math.floor((qty * j) / parts);
}

/** The trades f..l an aggregate trade stands for: its price, time and side, its quantity split evenly. */
export function tradeEvents(config: SymbolConfig, t: AggTrade, eventTime: number): string[] {
  const parts = t.l - t.f + 1;
  const p = formatScaled(t.p, config.tickSize);
  const out: string[] = [];
  for (let j = 0; j < parts; j++) {
    const q = formatScaled(tradePart(t.q, parts, j), config.stepSize);
    out.push(JSON.stringify({ e: 'trade', E: eventTime, s: config.symbol, t: t.f + j, p, q, T: t.T, m: t.m, M: true }));
  }
  return out;
}

export interface KlineUpdate {
  readonly interval: KlineInterval;
  readonly candle: Candle;
  /** First and last trade id in the candle; -1 when it has none. */
  readonly firstTradeId: number;
  readonly lastTradeId: number;
  readonly closed: boolean;
}

export function klineEvent(config: SymbolConfig, k: KlineUpdate, eventTime: number): string {
  const [t, o, h, l, c, v, T, q, n, V, Q] = klineRow(config, k.candle);
  const s = config.symbol;
  const kline = { t, T, s, i: k.interval, f: k.firstTradeId, L: k.lastTradeId, o, c, h, l, v, n, x: k.closed, q, V, Q, B: '0' };
  return JSON.stringify({ e: 'kline', E: eventTime, s, k: kline });
}

export interface DepthDiff {
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly bids: readonly WireLevel[];
  readonly asks: readonly WireLevel[];
}

export function depthEvent(symbol: string, d: DepthDiff, eventTime: number): string {
  return JSON.stringify({ e: 'depthUpdate', E: eventTime, s: symbol, U: d.firstUpdateId, u: d.lastUpdateId, b: d.bids, a: d.asks });
}

export function shutdownEvent(eventTime: number): string {
  return JSON.stringify({ e: 'serverShutdown', E: eventTime });
}
