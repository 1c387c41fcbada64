// Binance-compatible exchange simulator: deterministic seeded markets served
// over the spot REST API with rate limits and injectable faults.
import type { Hono } from 'hono';
import { buildApp } from './app.ts';
import { FaultInjector } from './faults.ts';
import { WeightLimiter } from './limiter.ts';
import { SimMarket } from './market.ts';
import { type SimConfig, type SimOptions, simOptionsSchema } from './options.ts';
import { SimStats } from './stats.ts';

export interface ExchangeSim {
  app: Hono;
  faults: FaultInjector;
  market: SimMarket;
  limiter: WeightLimiter;
  stats: SimStats;
  config: SimConfig;
}

export function createExchangeSim(options: SimOptions = {}): ExchangeSim {
  const config = simOptionsSchema.parse(options);
  const market = new SimMarket(config);
  const limiter = new WeightLimiter({
    limit: config.weightLimit,
    windowMs: config.weightWindowMs,
    banAfter429s: config.banAfter429s,
    banDurationMs: config.banDurationMs,
  });
  const faults = new FaultInjector();
  const stats = new SimStats();
  const app = buildApp({ market, limiter, faults, stats });
  return { app, faults, market, limiter, stats, config };
}

export { ENDPOINT_WEIGHTS } from './app.ts';
export { FaultInjector, faultSpecSchema, type FaultSpec, type FaultSpecInput } from './faults.ts';
export { WeightLimiter, describeWindow } from './limiter.ts';
export { SimMarket, SymbolMarket, type AggTrade, type Candle } from './market.ts';
export { aggTradeJson, klineRow, type AggTradeJson, type KlineRow } from './rows.ts';
export {
  DEFAULT_SYMBOLS,
  simOptionsSchema,
  symbolConfigSchema,
  type MaintenanceWindow,
  type SimConfig,
  type SimOptions,
  type SymbolConfig,
  type SymbolConfigInput,
} from './options.ts';
export { TRADES_PER_AGG } from './hours.ts';
export type { SimStatsSnapshot } from './stats.ts';
