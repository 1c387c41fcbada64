// Binance stream names: `<symbol>@trade`, `<symbol>@aggTrade`, `<symbol>@kline_<interval>` and
// `<symbol>@depth` (every 1000 ms) or `<symbol>@depth@100ms`, with the symbol in lowercase.
import { type KlineInterval, isKlineInterval } from '../../../shared/binance/intervals.ts';

export type StreamSpec =
  | { readonly kind: 'trade' | 'aggTrade'; readonly symbol: string }
  | { readonly kind: 'kline'; readonly symbol: string; readonly interval: KlineInterval }
  | { readonly kind: 'depth'; readonly symbol: string; readonly everyMs: 100 | 1000 };

/** At most this many streams on one connection, as Binance allows. */
export const MAX_STREAMS_PER_CONNECTION = 1024;

const NAME = /^([a-z0-9]{2,20})@(trade|aggTrade|kline_([0-9]+[smhdwM])|depth(@100ms|@1000ms)?)$/;

/** The stream a name stands for, or undefined when the name or its symbol is unknown. */
export function parseStream(name: string, hasSymbol: (symbol: string) => boolean): StreamSpec | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const [, lower, kind, interval, every] = match;
  const symbol = lower!.toUpperCase();
  if (!hasSymbol(symbol)) return undefined;
  if (kind === 'trade' || kind === 'aggTrade') return { kind, symbol };
  if (interval !== undefined) return isKlineInterval(interval) ? { kind: 'kline', symbol, interval } : undefined;
  return { kind: 'depth', symbol, everyMs: every === '@100ms' ? 100 : 1000 };
}

/** One key per distinct feed: `ethusdt@depth` and `ethusdt@depth@1000ms` share theirs. */
export function feedKey(spec: StreamSpec): string {
  if (spec.kind === 'kline') return `${spec.symbol}@kline_${spec.interval}`;
  if (spec.kind === 'depth') return `${spec.symbol}@depth@${spec.everyMs}ms`;
  return `${spec.symbol}@${spec.kind}`;
}
