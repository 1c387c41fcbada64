// How each rule-based strategy chooses what to trade a fold with. Buy-and-hold has nothing to choose;
// the SMA crossover tries every pair of its grid on the fold's training bars and keeps the one with the
// best Sharpe ratio there (the first of equals), which the test period then scores out of sample.
import type { Costs, PriceBar } from './execution.ts';
import { performanceOf } from './performance.ts';
import { simulate } from './simulate.ts';
import { type SmaParams, buyAndHold, smaCrossover, smaGrid } from './strategies.ts';
import type { Chooser } from './walk-forward.ts';

export const holdThroughout: Chooser = () => ({ strategy: buyAndHold(), params: {} });

export function fitSmaCrossover(fast: readonly number[], slow: readonly number[], costs: Costs, periodsPerYear: number): Chooser {
  const grid = smaGrid(fast, slow);
  return (_fold, trainBars) => {
    const best = bestOnTraining(grid, trainBars, costs, periodsPerYear);
    if (!best) return { skip: `no SMA pair of ${fast.join('/')} × ${slow.join('/')} can trade ${trainBars.length} training bars` };
    return { strategy: smaCrossover(best.params), params: { fast: best.params.fast, slow: best.params.slow, train_sharpe: best.sharpe } };
  };
}

function bestOnTraining(grid: readonly SmaParams[], bars: readonly PriceBar[], costs: Costs, periodsPerYear: number) {
  let best: { params: SmaParams; sharpe: number } | undefined;
  for (const params of grid) {
    if (params.slow >= bars.length) continue;
    const run = simulate(bars, smaCrossover(params), { costs, initialCash: 1 });
    // A pair that never traded has no Sharpe: staying flat scores 0, better than losing.
    const sharpe = performanceOf(run, periodsPerYear).sharpe ?? 0;
    if (!best || sharpe > best.sharpe) best = { params, sharpe };
  }
  return best;
}
