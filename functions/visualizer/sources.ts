// What the visualizer can show: per page, the state of its sources and what streams live for its symbol;
// over all, the symbols with stored or live candles.
import { KLINE_INTERVALS } from '../../shared/binance/intervals.ts';
import type { LiveStream } from '../../shared/harness/live-topics.ts';
import type { LiveAvailability, SymbolSummary } from './messages.ts';

export function liveFor(streams: readonly LiveStream[], symbol: string, interval: string): LiveAvailability {
  const mine = streams.filter((s) => s.symbol === symbol);
  return {
    candles: mine.some((s) => s.type.kind === 'candles' && s.type.interval === interval),
    trades: mine.some((s) => s.type.kind === 'trades'),
    depth: mine.some((s) => s.type.kind === 'depth'),
    workflows: [...new Set(mine.map((s) => s.workflowId))].sort(),
  };
}

const byInterval = (a: string, b: string) => KLINE_INTERVALS.indexOf(a as never) - KLINE_INTERVALS.indexOf(b as never);

export function summarize(stored: ReadonlyMap<string, ReadonlySet<string>>, streams: readonly LiveStream[]): SymbolSummary[] {
  const symbols = [...new Set([...stored.keys(), ...streams.map((s) => s.symbol)])].sort();
  return symbols.map((symbol) => {
    const mine = streams.filter((s) => s.symbol === symbol);
    const liveIntervals = [...new Set(mine.flatMap((s) => (s.type.kind === 'candles' ? [s.type.interval as string] : [])))].sort(byInterval);
    return {
      symbol,
      intervals: [...new Set([...(stored.get(symbol) ?? []), ...liveIntervals])].sort(byInterval),
      live: { intervals: liveIntervals, trades: mine.some((s) => s.type.kind === 'trades'), depth: mine.some((s) => s.type.kind === 'depth') },
    };
  });
}
