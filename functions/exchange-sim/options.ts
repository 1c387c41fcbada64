// Validated configuration for the exchange simulator: symbols, the market
// factor they load on, seed, rate limits, maintenance windows and clock.
import { z } from 'zod';

const HOUR_MS = 3_600_000;

/** Decimal size (tickSize/stepSize) as a string or number, at most 8 decimals. */
const decimalSize = z.union([z.string().regex(/^\d+(\.\d{1,8})?$/), z.number().positive()]).transform((v, ctx) => {
  const units = Math.round(Number(v) * 1e8);
  if (!(units >= 1) || Math.abs(units - Number(v) * 1e8) > 1e-6 * Math.max(1, units)) {
    ctx.addIssue({ code: 'custom', message: 'must be a positive multiple of 0.00000001' });
    return z.NEVER;
  }
  return units;
});

export const symbolConfigSchema = z.object({
  symbol: z.string().regex(/^[A-Z0-9]{2,20}$/),
  baseAsset: z.string().min(1),
  quoteAsset: z.string().min(1),
  /** Price increment; stored in units of 1e-8. */
  tickSize: decimalSize,
  /** Quantity increment; stored in units of 1e-8. */
  stepSize: decimalSize,
  startPrice: z.number().positive(),
  annualVolatility: z.number().positive().max(5).default(0.7),
  /**
   * Loading on the simulator's market factor: the symbol's log price moves by beta times the market's.
   * 0 leaves the symbol independent of every other. |beta| · market.annualVolatility may not exceed
   * annualVolatility: the symbol's own path makes up the rest of that volatility.
   */
  beta: z.number().default(0),
  /** Listing time in epoch ms; rounded up to the next whole UTC hour. */
  listedAt: z
    .number()
    .int()
    .nonnegative()
    .transform((t) => Math.ceil(t / HOUR_MS) * HOUR_MS),
  /** Aggregate trades per hour (each aggregates 1-3 trades, 2 on average). */
  tradesPerHour: z.number().int().min(1).max(100_000),
});

export type SymbolConfigInput = z.input<typeof symbolConfigSchema>;
export type SymbolConfig = z.output<typeof symbolConfigSchema>;

const listed = (iso: string): number => Date.parse(iso);

export const DEFAULT_SYMBOLS: readonly SymbolConfigInput[] = [
  {
    symbol: 'BTCUSDT',
    baseAsset: 'BTC',
    quoteAsset: 'USDT',
    tickSize: '0.01',
    stepSize: '0.00001',
    startPrice: 64_000,
    annualVolatility: 0.6,
    beta: 1.0,
    listedAt: listed('2017-08-17T04:00:00Z'),
    tradesPerHour: 1200,
  },
  {
    symbol: 'ETHUSDT',
    baseAsset: 'ETH',
    quoteAsset: 'USDT',
    tickSize: '0.01',
    stepSize: '0.0001',
    startPrice: 3200,
    annualVolatility: 0.75,
    beta: 1.1,
    listedAt: listed('2017-08-17T04:00:00Z'),
    tradesPerHour: 900,
  },
  {
    symbol: 'BNBUSDT',
    baseAsset: 'BNB',
    quoteAsset: 'USDT',
    tickSize: '0.01',
    stepSize: '0.001',
    startPrice: 560,
    annualVolatility: 0.7,
    beta: 1.1,
    listedAt: listed('2017-11-06T03:00:00Z'),
    tradesPerHour: 600,
  },
  {
    symbol: 'SOLUSDT',
    baseAsset: 'SOL',
    quoteAsset: 'USDT',
    tickSize: '0.01',
    stepSize: '0.001',
    startPrice: 150,
    annualVolatility: 1.0,
    beta: 1.4,
    listedAt: listed('2020-08-11T06:00:00Z'),
    tradesPerHour: 600,
  },
  {
    symbol: 'XRPUSDT',
    baseAsset: 'XRP',
    quoteAsset: 'USDT',
    tickSize: '0.0001',
    stepSize: '1',
    startPrice: 0.6,
    annualVolatility: 0.9,
    beta: 1.3,
    listedAt: listed('2018-05-04T08:00:00Z'),
    tradesPerHour: 450,
  },
  {
    symbol: 'ADAUSDT',
    baseAsset: 'ADA',
    quoteAsset: 'USDT',
    tickSize: '0.0001',
    stepSize: '0.1',
    startPrice: 0.4,
    annualVolatility: 0.9,
    beta: 1.3,
    listedAt: listed('2018-04-17T04:00:00Z'),
    tradesPerHour: 400,
  },
  {
    symbol: 'DOGEUSDT',
    baseAsset: 'DOGE',
    quoteAsset: 'USDT',
    tickSize: '0.00001',
    stepSize: '1',
    startPrice: 0.12,
    annualVolatility: 1.1,
    beta: 1.4,
    listedAt: listed('2019-07-05T12:00:00Z'),
    tradesPerHour: 500,
  },
  {
    symbol: 'LTCUSDT',
    baseAsset: 'LTC',
    quoteAsset: 'USDT',
    tickSize: '0.01',
    stepSize: '0.001',
    startPrice: 65,
    annualVolatility: 0.8,
    beta: 1.2,
    listedAt: listed('2017-12-13T03:00:00Z'),
    tradesPerHour: 300,
  },
];

const symbolEntry = z.union([z.string().refine((s) => DEFAULT_SYMBOLS.some((d) => d.symbol === s), 'unknown default symbol'), symbolConfigSchema]);

export const maintenanceWindowSchema = z
  .object({
    /** Omitted: the window applies to every symbol. */
    symbol: z.string().optional(),
    /** Inclusive start, epoch ms. */
    from: z.number().int(),
    /** Exclusive end, epoch ms. */
    to: z.number().int(),
  })
  .refine((w) => w.to > w.from, { message: 'to must be greater than from', path: ['to'] });

export const PATH_KINDS = ['swings', 'random-walk', 'cycles'] as const;
export type PathKind = (typeof PATH_KINDS)[number];

export const marketOptionsSchema = z.object({
  /** Annualized volatility of the common factor each symbol loads on with its beta. */
  annualVolatility: z.number().positive().max(5).default(0.5),
  /**
   * Shape of the market's path and of every symbol's own path. 'swings': seeded sinusoids and smooth
   * multi-scale noise, bounded around the start price. 'random-walk': Brownian motion, returns
   * independent across time, at the start price on 2024-01-01. 'cycles': a learnable pattern for
   * trading tests, each symbol rising 3 % over two hours and falling back over the next two at a phase
   * of its own, with a little noise; beta and the volatilities do not size it (a symbol's
   * annualVolatility still sets the jitter of single trades around the path).
   */
  path: z.enum(PATH_KINDS).default('swings'),
});

export type MarketConfig = z.output<typeof marketOptionsSchema>;

export type MaintenanceWindow = z.output<typeof maintenanceWindowSchema>;

export const simOptionsSchema = z
  .object({
    /** Symbol configs, or names of DEFAULT_SYMBOLS entries. */
    symbols: z
      .array(symbolEntry)
      .min(1)
      .default(() => DEFAULT_SYMBOLS.map((s) => s.symbol))
      .transform((list) => list.map((e) => (typeof e === 'string' ? symbolConfigSchema.parse(DEFAULT_SYMBOLS.find((d) => d.symbol === e)) : e))),
    seed: z.number().int().default(42),
    market: marketOptionsSchema.prefault({}),
    weightLimit: z.number().int().positive().default(6000),
    /** Rate-limit window; a whole number of seconds. */
    weightWindowMs: z.number().int().positive().multipleOf(1000).default(60_000),
    maintenance: z.array(maintenanceWindowSchema).default([]),
    /** Requests tolerated after a 429 within the same window before a 418 ban. */
    banAfter429s: z.number().int().nonnegative().default(5),
    banDurationMs: z.number().int().positive().default(120_000),
    /** Hourly summaries kept per symbol in the LRU cache. */
    summaryCacheSize: z.number().int().positive().default(100_000),
    /** Clock used for "now" (market horizon and rate-limit windows). */
    now: z.custom<() => number>((v) => typeof v === 'function').default(() => Date.now),
    /** The simulator clock runs this many times faster than `now` from the moment the simulator starts. */
    speed: z.number().positive().max(100_000).default(1),
    /** Wall-clock interval between the WebSocket pings the server sends (Binance: 20 s). */
    wsPingIntervalMs: z.number().int().positive().default(20_000),
    /** A WebSocket connection that has not answered a ping with a pong for this long is dropped (Binance: a minute). */
    wsPongTimeoutMs: z.number().int().positive().default(60_000),
  })
  .superRefine((o, ctx) => {
    const names = new Set<string>();
    o.symbols.forEach((s, i) => {
      if (names.has(s.symbol)) ctx.addIssue({ code: 'custom', message: 'duplicate symbol', path: ['symbols', i] });
      names.add(s.symbol);
      const loading = Math.abs(s.beta) * o.market.annualVolatility;
      if (loading > s.annualVolatility * (1 + 1e-12)) {
        ctx.addIssue({
          code: 'custom',
          message: `beta ${s.beta} × market.annualVolatility ${o.market.annualVolatility} = ${+loading.toPrecision(6)} exceeds ${s.symbol}'s annualVolatility ${s.annualVolatility}; lower the beta or the market's volatility`,
          path: ['symbols', i, 'beta'],
        });
      }
    });
    o.maintenance.forEach((w, i) => {
      if (w.symbol !== undefined && !names.has(w.symbol)) {
        ctx.addIssue({ code: 'custom', message: 'unknown symbol', path: ['maintenance', i, 'symbol'] });
      }
    });
  });

export type SimOptions = z.input<typeof simOptionsSchema>;
export type SimConfig = z.output<typeof simOptionsSchema>;
