// Backtest runs for the results store's tests: valid by the contract's schema, with the awkward values
// a real run has (fractional prices with full float precision, negative returns, skipped folds, a
// workflow or none), generated from a seed so a failure can be replayed.
import { seededRandom as random } from '../shared/ml/random.ts';
import { type BacktestRun, backtestRunSchema, type Performance, type StrategyName, type StrategyResult } from '../shared/contracts/backtest.ts';

const BAR_MS = 300_000;
const START = Date.UTC(2024, 7, 1);

export interface SampleRunOptions {
  readonly runId: string;
  readonly workflowId?: string | null;
  readonly createdAt?: number;
  readonly results?: readonly (readonly [StrategyName, string])[];
  /** Equity points of each result, split over its folds. */
  readonly pointsPerResult?: number;
  readonly folds?: number;
  readonly seed?: number;
}

export function sampleRun(options: SampleRunOptions): BacktestRun {
  const next = random(options.seed ?? 1);
  const folds = options.folds ?? 3;
  const points = options.pointsPerResult ?? 120;
  // One in five is a flat stretch: its ratios have no value.
  const performance = (): Performance => ({
    bars: Math.floor(next() * 1000),
    total_return: next() * 0.6 - 0.3,
    cagr: next() < 0.2 ? null : next() * 2 - 1,
    sharpe: next() < 0.2 ? null : next() * 6 - 3,
    sortino: next() < 0.2 ? null : next() * 8 - 4,
    max_drawdown: next() * 0.5,
    annual_volatility: next(),
    turnover: next() * 40,
    hit_rate: next(),
    trades: Math.floor(next() * 50),
  });
  const result = ([strategy, symbol]: readonly [StrategyName, string]): StrategyResult => {
    const perFold = Math.ceil(points / folds);
    const equity: StrategyResult['equity'] = [];
    const trades: StrategyResult['trades'] = [];
    let value = 10_000;
    for (let i = 0; i < points; i++) {
      const fold = Math.floor(i / perFold);
      const time = START + (folds * perFold + i) * BAR_MS;
      value *= 1 + (next() - 0.5) * 0.01;
      equity.push({ fold, time, equity: value, position: next() < 0.2 ? 0 : next() });
      if (i % 40 === 7) {
        const price = 60_000 * (1 + (next() - 0.5) * 0.1);
        const quantity = next() * 0.2 + 1e-6;
        trades.push({ fold, decided_at: time - BAR_MS, time, side: trades.length % 2 === 0 ? 'buy' : 'sell', price, quantity, fee: price * quantity * 0.001, equity: value });
      }
    }
    return {
      strategy,
      symbol,
      folds: Array.from({ length: folds }, (_, fold) => ({
        fold,
        train: { from: START + fold * perFold * BAR_MS, to: START + (folds + fold) * perFold * BAR_MS },
        test: { from: START + (folds + fold) * perFold * BAR_MS, to: START + (folds + fold + 1) * perFold * BAR_MS },
        performance: performance(),
        params: (strategy === 'ppo' ? { model: 'models:/ppo/3', fold } : { fast: 12 + fold, slow: 48 }) as Record<string, string | number>,
      })),
      aggregate: performance(),
      equity,
      trades,
      skipped: strategy === 'ppo' ? [{ fold: 0, reason: 'no policy was trained before this fold\'s test period: "fold 0"' }] : [],
    };
  };
  return backtestRunSchema.parse({
    run_id: options.runId,
    workflow_id: options.workflowId === undefined ? 'wf-backtest-1' : options.workflowId,
    created_at: options.createdAt ?? Date.UTC(2024, 8, 1, 12, 0, 0, 123),
    interval: '5m',
    range: { from: START, to: START + 2 * folds * Math.ceil(points / folds) * BAR_MS },
    fee_rate: 0.001,
    slippage_rate: 0.0005,
    initial_cash: 10_000,
    periods_per_year: 105_120,
    results: (
      options.results ?? [
        ['buy_and_hold', 'BTCUSDT'],
        ['sma_crossover', 'ETHUSDT'],
        ['ppo', 'BTCUSDT'],
      ]
    ).map(result),
  });
}

/** The rows a run occupies, table by table. */
export function rowCounts(run: BacktestRun): Record<string, number> {
  const sum = (count: (r: StrategyResult) => number) => run.results.reduce((total, r) => total + count(r), 0);
  return {
    backtest_runs: 1,
    backtest_summaries: run.results.length,
    backtest_folds: sum((r) => r.folds.length),
    backtest_equity: sum((r) => r.equity.length),
    backtest_trades: sum((r) => r.trades.length),
  };
}
