// A simulation's risk and performance figures, as the backtest report and the results store carry them.
import { annualVolatility, cagr, hitRate, maxDrawdown, sharpe, sortino, totalReturn, turnover } from '../analytics/metrics.ts';
import type { Performance } from '../contracts/backtest.ts';
import type { Fill } from './execution.ts';

export interface Traded {
  readonly returns: ArrayLike<number>;
  /** Share of equity in the asset at each bar's close. */
  readonly positions: ArrayLike<number>;
  readonly fills: readonly Fill[];
}

/** A ratio without a value (no variance, no downside, too few bars) is null, never NaN or Infinity. */
const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

export function performanceOf(traded: Traded, periodsPerYear: number): Performance {
  const returns = Array.from(traded.returns);
  // The closing sale at the end of a period is a change of position too.
  const positions = [...Array.from(traded.positions), 0];
  return {
    bars: returns.length,
    total_return: totalReturn(returns),
    cagr: finiteOrNull(cagr(returns, periodsPerYear)),
    sharpe: finiteOrNull(sharpe(returns, periodsPerYear)),
    sortino: finiteOrNull(sortino(returns, periodsPerYear)),
    max_drawdown: returns.length ? maxDrawdown(returns) : 0,
    annual_volatility: returns.length > 1 ? annualVolatility(returns, periodsPerYear) : 0,
    turnover: turnover(positions, periodsPerYear * (positions.length / Math.max(1, returns.length))),
    hit_rate: hitRate(roundTrips(traded.fills)),
    trades: traded.fills.length,
  };
}

/** Profit of each buy-then-sell: what the sale brought in, net of its fee, over what the buy cost, fee included. */
export function roundTrips(fills: readonly Fill[]): number[] {
  const profits: number[] = [];
  let cost: number | undefined;
  for (const fill of fills) {
    if (fill.side === 'buy') cost = fill.price * fill.quantity + fill.fee;
    else if (cost !== undefined) {
      profits.push(fill.price * fill.quantity - fill.fee - cost);
      cost = undefined;
    }
  }
  return profits;
}
