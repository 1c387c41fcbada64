// Binance-compatible exchange simulator: deterministic seeded markets served over the spot REST API
// with rate limits and injectable faults, and live over Binance's WebSocket streams (ws/).
import type { Hono } from 'hono';
import { buildApp } from './app.ts';
import { scaledClock } from './clock.ts';
import { FaultInjector } from './faults.ts';
import { WeightLimiter } from './limiter.ts';
import { SimMarket } from './market.ts';
import { type SimConfig, type SimOptions, simOptionsSchema } from './options.ts';
import { SimStats } from './stats.ts';
import { SimBooks } from './ws/books.ts';
import { LiveFeeds } from './ws/feeds.ts';
import { SocketFaults } from './ws/socket-faults.ts';

export interface ExchangeSim {
  app: Hono;
  faults: FaultInjector;
  market: SimMarket;
  limiter: WeightLimiter;
  stats: SimStats;
  /** Its config; `now` is the simulator clock (the configured clock, sped up by `speed`). */
  config: SimConfig;
  /** The order books: `books.bookAt(symbol, updateId)` is the true book the depth streams describe. */
  books: SimBooks;
  /** The live streams the WebSocket side serves. */
  feeds: LiveFeeds;
  socketFaults: SocketFaults;
}

export function createExchangeSim(options: SimOptions = {}): ExchangeSim {
  const parsed = simOptionsSchema.parse(options);
  const config: SimConfig = { ...parsed, now: scaledClock(parsed.now, parsed.speed) };
  const market = new SimMarket(config);
  const limiter = new WeightLimiter({
    limit: config.weightLimit,
    windowMs: config.weightWindowMs,
    banAfter429s: config.banAfter429s,
    banDurationMs: config.banDurationMs,
  });
  const books = new SimBooks(market, config);
  const feeds = new LiveFeeds(market, books, config);
  const socketFaults = new SocketFaults();
  const faults = new FaultInjector();
  faults.onLive((spec) => (spec.kind === 'depth-skip' ? books.skipNext(spec.symbol) : socketFaults.apply(spec)));
  const stats = new SimStats();
  const app = buildApp({ market, limiter, faults, stats, books });
  return { app, faults, market, limiter, stats, config, books, feeds, socketFaults };
}

export { attachExchangeSocket } from './ws/server.ts';
export type { BookView } from './ws/books.ts';
export type { SimOptions } from './options.ts';
