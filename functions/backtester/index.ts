// backtester: scores trading strategies over the workflow's stored candles with walk-forward validation
// — buy-and-hold, an SMA crossover fitted on each fold's training bars, and the PPO agent's policies —
// with fees and slippage on every fill, decisions filled at the next bar's open. The whole run (per-fold
// and aggregate metrics, equity curves, trades) goes to the results store in one transaction, under a
// run id fixed by the workflow step, so a retried step replaces its run instead of adding a second.
import type { BacktestRun, StrategyName, StrategyResult } from '../../shared/contracts/backtest.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import type { BacktestOutcome, StageCommand } from '../../shared/contracts/pipeline.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import type { ResultsStore } from '../../shared/ports/results.ts';
import { fitSmaCrossover, holdThroughout } from '../../shared/trading/choosers.ts';
import { type Chooser, runWalkForward } from '../../shared/trading/walk-forward.ts';
import { readWorkflowBars } from '../../shared/trading/workflow-bars.ts';
import { type PolicyChooserFactory, ppoChooser } from './ppo-chooser.ts';
import { summarize } from './summary.ts';

export interface BacktesterOptions {
  readonly results: ResultsStore;
  /** Where the PPO policies come from; default: the model registry. */
  readonly policies?: PolicyChooserFactory;
}

export function createBacktester(options: BacktesterOptions): FunctionDefinition {
  return { name: 'backtester', target: TARGETS.backtester, run: (ctx) => backtest(ctx, options) };
}

/** The strategies a request left to the default: the baselines, and the PPO agent when there is one to score. */
export function strategiesFor(stage: StageCommand): StrategyName[] {
  const asked = stage.options.backtest.strategies;
  if (asked) return [...asked];
  const agent = stage.pipeline.includes('rl_train') || stage.options.backtest.policy !== undefined;
  return agent ? ['buy_and_hold', 'sma_crossover', 'ppo'] : ['buy_and_hold', 'sma_crossover'];
}

async function backtest(ctx: StepContext, options: BacktesterOptions): Promise<StepResult> {
  const { command, signal } = ctx;
  const { stage, series, folds, periodsPerYear, intervalMs, interval, range, rejected, rejectedBars } = await readWorkflowBars(ctx, 'backtester');
  const { costs, backtest: settings } = stage.options;
  const strategies = strategiesFor(stage);
  const choosers: Record<StrategyName, () => Chooser | Promise<Chooser>> = {
    buy_and_hold: () => holdThroughout,
    sma_crossover: () => fitSmaCrossover(settings.sma_fast, settings.sma_slow, costs, periodsPerYear),
    ppo: () => (options.policies ?? ppoChooser)(ctx, stage),
  };
  const runOptions = { costs, initialCash: settings.initial_cash, periodsPerYear, intervalMs };
  const results: StrategyResult[] = [];
  for (const strategy of strategies) {
    const choose = await choosers[strategy]();
    for (const { symbol, bars } of series) {
      results.push(await runWalkForward(strategy, symbol, bars, folds, choose, runOptions));
      signal.throwIfAborted();
    }
    await ctx.report({ message: `Scored ${strategy} over ${folds.length} folds of ${series.length} symbols`, records_written: results.length });
  }

  const run: BacktestRun = {
    run_id: command.collection_name,
    workflow_id: stage.workflow_id,
    created_at: Date.now(),
    interval,
    range,
    fee_rate: costs.fee_rate,
    slippage_rate: costs.slippage_rate,
    initial_cash: settings.initial_cash,
    periods_per_year: periodsPerYear,
    results,
  };
  await options.results.saveRun(run);
  const result: BacktestOutcome = {
    kind: 'backtest',
    run_id: run.run_id,
    results_store: options.results.kind,
    folds: folds.length,
    strategies: summarize(results),
    rejected_bars: rejectedBars,
  };
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const lines = result.strategies.map((s) => `${s.strategy} ${pct(s.mean_return)} (Sharpe ${s.mean_sharpe?.toFixed(2) ?? 'n/a'}, ${s.trades} trades)`);
  return {
    records_written: results.reduce((n, r) => n + r.equity.length, 0),
    message: `Backtest ${run.run_id} over ${folds.length} walk-forward folds of ${series.length} symbols: ${lines.join('; ')}${rejected ? `; left out: ${rejected}` : ''}`,
    result,
  };
}
