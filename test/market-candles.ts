// Stored 5m candles of many simulated symbols without running the workflow: the simulator's REST klines
// through its app, the persister's indicators, the persister's collection names. For tests and benchmarks
// of the steps that read stored candles (graph-builder, gnn-trainer).
import { CandleIndicatorState } from '../shared/analytics/indicators.ts';
import { fixedIntervalMs } from '../shared/binance/intervals.ts';
import { candleFromKline } from '../shared/binance/normalize.ts';
import type { RawKline } from '../shared/binance/wire.ts';
import { parseDataType } from '../shared/contracts/data-type.ts';
import { collectionNameFor } from '../shared/contracts/names.ts';
import { candleDoc } from '../shared/contracts/stored.ts';
import type { Store } from '../shared/ports/store.ts';
import { createExchangeSim } from '../functions/exchange-sim/index.ts';
import type { SimOptions } from '../functions/exchange-sim/options.ts';

type SymbolInput = Exclude<NonNullable<SimOptions['symbols']>[number], string>;

/** `count` symbols listed long before `from`, with few trades an hour (the candles need no more). */
export function simulatedSymbols(count: number, options: { beta?: (i: number) => number; annualVolatility?: number } = {}): SymbolInput[] {
  return Array.from({ length: count }, (_, i) => ({
    symbol: `S${String(i).padStart(3, '0')}USDT`,
    baseAsset: `S${String(i).padStart(3, '0')}`,
    quoteAsset: 'USDT',
    tickSize: '0.0001',
    stepSize: '0.01',
    startPrice: 10 + i,
    annualVolatility: options.annualVolatility ?? 0.8,
    beta: options.beta?.(i) ?? 1,
    listedAt: Date.UTC(2020, 0, 1),
    tradesPerHour: 48,
  }));
}

/** Stores the 5m candles of [from, to) of every symbol, as a workflow's persister would; returns the count. */
export async function storeSimulatedCandles(store: Store, sim: SimOptions, from: number, to: number): Promise<number> {
  const exchange = createExchangeSim({ now: () => to + 86_400_000, ...sim });
  const type = parseDataType('api_candles_5m');
  const step = fixedIntervalMs('5m')! * 1000;
  let stored = 0;
  for (const entry of sim.symbols ?? []) {
    const symbol = typeof entry === 'string' ? entry : entry.symbol;
    const indicators = new CandleIndicatorState(fixedIntervalMs('5m')!);
    const collection = collectionNameFor(symbol, type, from);
    for (let start = from; start < to; start += step) {
      const response = await exchange.app.request(`/api/v3/klines?symbol=${symbol}&interval=5m&startTime=${start}&endTime=${Math.min(to, start + step) - 1}&limit=1000`);
      if (response.status !== 200) throw new Error(`klines of ${symbol} answered ${response.status}: ${await response.text()}`);
      const docs = ((await response.json()) as RawKline[]).map((row) => {
        const candle = candleFromKline(symbol, '5m', row, false);
        return candleDoc(candle, indicators.next(candle));
      });
      await store.upsert(collection, docs);
      stored += docs.length;
    }
  }
  return stored;
}
