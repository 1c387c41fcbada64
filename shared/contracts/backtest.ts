// What a backtest produces, as the backtester writes it to the results store (PostgreSQL, or SQLite
// embedded): one run per workflow step; per strategy and symbol, the metrics of every walk-forward fold
// and of all folds' test periods chained, the equity curve and the trades.
import { z } from 'zod';
import { symbolSchema } from './names.ts';

export const STRATEGIES = ['buy_and_hold', 'sma_crossover', 'ppo'] as const;
export const strategyNameSchema = z.enum(STRATEGIES);
export type StrategyName = (typeof STRATEGIES)[number];

/** Risk and performance over one stretch of test bars (shared/analytics/metrics.ts computes them). */
export const performanceSchema = z.strictObject({
  bars: z.number().int().nonnegative(),
  /** Final equity over initial, minus one. */
  total_return: z.number(),
  /** null where the ratio has no value: a flat strategy has no volatility to divide by, nor a downside. */
  cagr: z.number().nullable(),
  sharpe: z.number().nullable(),
  sortino: z.number().nullable(),
  /** The largest fall from a peak, as a positive fraction (0.25 = 25 %). */
  max_drawdown: z.number(),
  annual_volatility: z.number(),
  /** Traded notional over average equity, per year. */
  turnover: z.number(),
  /** Share of closed round trips that made money (0 when none closed). */
  hit_rate: z.number(),
  trades: z.number().int().nonnegative(),
});
export type Performance = z.output<typeof performanceSchema>;

/** Bars [from, to) as epoch ms of their open times. */
const spanSchema = z.strictObject({ from: z.number().int(), to: z.number().int() });
export type Span = z.output<typeof spanSchema>;

export const foldResultSchema = z.strictObject({
  fold: z.number().int().nonnegative(),
  /** The bars a strategy may fit on (SMA windows are chosen there; the PPO policy of this fold trained there). */
  train: spanSchema,
  /** The bars it is scored on: always after `train`. */
  test: spanSchema,
  performance: performanceSchema,
  /** Parameters it traded the test period with, e.g. {fast: 12, slow: 48} or {model: "models:/ppo/3", fold: 2}. */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type FoldResult = z.output<typeof foldResultSchema>;

export const tradeSchema = z.strictObject({
  fold: z.number().int().nonnegative(),
  /** The bar whose close the decision saw, and the bar at whose open it was filled (the next one). */
  decided_at: z.number().int(),
  time: z.number().int(),
  side: z.enum(['buy', 'sell']),
  /** Fill price after slippage, base quantity, fee paid in quote. */
  price: z.number().positive(),
  quantity: z.number().positive(),
  fee: z.number().nonnegative(),
  /** Equity right after the fill, at the fill price. */
  equity: z.number(),
});
export type Trade = z.output<typeof tradeSchema>;

export const equityPointSchema = z.strictObject({
  fold: z.number().int().nonnegative(),
  /** A test bar's open time; equity at its close, position as the share of equity held in the asset. */
  time: z.number().int(),
  equity: z.number(),
  position: z.number(),
});
export type EquityPoint = z.output<typeof equityPointSchema>;

export const strategyResultSchema = z.strictObject({
  strategy: strategyNameSchema,
  symbol: symbolSchema,
  folds: z.array(foldResultSchema),
  /** Every fold's test period chained, each starting from the equity the previous one ended with. */
  aggregate: performanceSchema,
  equity: z.array(equityPointSchema),
  trades: z.array(tradeSchema),
  /** Folds it could not trade, and why (a PPO policy with no fold trained before the test period). */
  skipped: z.array(z.strictObject({ fold: z.number().int().nonnegative(), reason: z.string() })),
});
export type StrategyResult = z.output<typeof strategyResultSchema>;

export const backtestRunSchema = z.strictObject({
  /** Unique per workflow step: a retried step replaces its run. */
  run_id: z.string().min(1),
  workflow_id: z.string().nullable(),
  created_at: z.number().int(),
  interval: z.string(),
  /** All bars the run read, [from, to). */
  range: spanSchema,
  fee_rate: z.number().min(0),
  slippage_rate: z.number().min(0),
  initial_cash: z.number().positive(),
  periods_per_year: z.number().positive(),
  results: z.array(strategyResultSchema),
});
export type BacktestRun = z.output<typeof backtestRunSchema>;

export interface RunSummary {
  readonly run_id: string;
  readonly workflow_id: string | null;
  readonly created_at: number;
  readonly interval: string;
  readonly range: Span;
  readonly strategies: readonly StrategyName[];
  readonly symbols: readonly string[];
}
