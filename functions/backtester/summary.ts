// The step's outcome in a few numbers per strategy; the results store holds everything else.
import type { StrategyResult } from '../../shared/contracts/backtest.ts';
import type { BacktestOutcome } from '../../shared/contracts/pipeline.ts';

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export function summarize(results: readonly StrategyResult[]): BacktestOutcome['strategies'] {
  const byStrategy = Map.groupBy(results, (r) => r.strategy);
  return [...byStrategy].map(([strategy, rows]) => {
    const traded = rows.filter((r) => r.folds.length > 0);
    const sharpes = traded.map((r) => r.aggregate.sharpe).filter((s): s is number => s !== null);
    const reason = rows.flatMap((r) => r.skipped)[0]?.reason;
    return {
      strategy,
      mean_return: traded.length ? mean(traded.map((r) => r.aggregate.total_return)) : 0,
      mean_sharpe: sharpes.length ? mean(sharpes) : null,
      worst_drawdown: Math.max(0, ...traded.map((r) => r.aggregate.max_drawdown)),
      trades: rows.reduce((n, r) => n + r.aggregate.trades, 0),
      folds_traded: rows.reduce((n, r) => n + r.folds.length, 0),
      folds_skipped: rows.reduce((n, r) => n + r.skipped.length, 0),
      ...(reason ? { skipped_because: reason } : {}),
    };
  });
}
