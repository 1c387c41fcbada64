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

export type { SimOptions } from './options.ts';
