// The backtester as a workflow step, over stored simulated candles, writing to the embedded results store.
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteResults } from '../../shared/adapters/embedded/sqlite-results.ts';
import { parseDataType } from '../../shared/contracts/data-type.ts';
import { TARGETS, collectionNameFor } from '../../shared/contracts/names.ts';
import { type BacktestOutcome, type PipelineStage, pipelineOptionsSchema } from '../../shared/contracts/pipeline.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import { commandFor, embeddedPorts, runStep, stepContext } from '../../test/step-context.ts';
import { simulatedSymbols, storeSimulatedCandles } from '../../test/market-candles.ts';
import { createBacktester } from './index.ts';

const FROM = Date.UTC(2024, 2, 1);
const TO = Date.UTC(2024, 2, 15);
const RANGE = '2024-03-01:2024-03-15';
const symbols = simulatedSymbols(2);
const options = pipelineOptionsSchema.parse({ walk_forward: { train_bars: 1152, test_bars: 576 } });

function backtestCommand(pipeline: PipelineStage[] = ['backtest'], settings = options) {
  return {
    ...commandFor(TARGETS.backtester, symbols[0]!.symbol, 'api_candles_5m', RANGE),
    collection_name: 'backtest_20240301_abc123',
    stage: { workflow_id: 'wf-20240301-abc123', symbols: symbols.map((s) => s.symbol), pipeline, options: settings },
  };
}

describe('backtester step', () => {
  const ports = embeddedPorts();
  beforeAll(async () => {
    await storeSimulatedCandles(ports.store, { seed: 5, symbols }, FROM, TO);
  });

  it('scores buy-and-hold and the SMA crossover over every walk-forward fold and writes the whole run to the results store', async () => {
    const results = new SqliteResults(':memory:');
    await results.migrate();
    const outcome = await runStep(createBacktester({ results }), stepContext(ports, backtestCommand())).result;
    const result = outcome.result as BacktestOutcome;
    // 14 days = 4,032 bars: folds of 1,152 + 576 every 576 bars give (4032 - 1728) / 576 + 1 = 5.
    expect(result).toMatchObject({ kind: 'backtest', run_id: 'backtest_20240301_abc123', results_store: 'sqlite', folds: 5, rejected_bars: [] });
    expect(result.strategies.map((s) => [s.strategy, s.folds_traded, s.folds_skipped])).toEqual([
      ['buy_and_hold', 10, 0],
      ['sma_crossover', 10, 0],
    ]);
    const run = (await results.getRun('backtest_20240301_abc123'))!;
    expect(run.results).toHaveLength(4);
    const hold = run.results.find((r) => r.strategy === 'buy_and_hold' && r.symbol === symbols[0]!.symbol)!;
    expect(hold.equity).toHaveLength(5 * 576);
    expect(hold.trades).toHaveLength(10);
    expect(hold.aggregate.bars).toBe(5 * 576);
    // The aggregate chains the folds: its total return compounds theirs.
    const chained = hold.folds.reduce((g, f) => g * (1 + f.performance.total_return), 1) - 1;
    expect(hold.aggregate.total_return).toBeCloseTo(chained, 10);
    const sma = run.results.find((r) => r.strategy === 'sma_crossover' && r.symbol === symbols[0]!.symbol)!;
    for (const fold of sma.folds) expect(fold.params).toEqual({ fast: expect.any(Number), slow: expect.any(Number), train_sharpe: expect.any(Number) });
    expect(outcome.message).toMatch(/^Backtest backtest_20240301_abc123 over 5 walk-forward folds of 2 symbols: buy_and_hold -?\d+\.\d\d% \(Sharpe/);
  });

  it('replaces its run when the step is retried, rather than adding a second', async () => {
    const results = new SqliteResults(':memory:');
    await results.migrate();
    await runStep(createBacktester({ results }), stepContext(ports, backtestCommand())).result;
    await runStep(createBacktester({ results }), stepContext(ports, backtestCommand())).result;
    expect((await results.listRuns()).map((r) => r.run_id)).toEqual(['backtest_20240301_abc123']);
  });

  it('leaves out stored candles whose prices are not finite, reports them, and never trades on them', async () => {
    const broken = embeddedPorts();
    await storeSimulatedCandles(broken.store, { seed: 5, symbols }, FROM, TO);
    const collection = collectionNameFor(symbols[1]!.symbol, parseDataType('api_candles_5m'), FROM);
    const at = FROM + 2000 * 300_000;
    const candle = (await broken.store.get(collection, String(at)))!;
    await broken.store.upsert(collection, [
      { ...candle, close: Number.NaN },
      { ...(await broken.store.get(collection, String(at + 300_000)))!, open: null },
    ]);
    const results = new SqliteResults(':memory:');
    await results.migrate();
    const outcome = await runStep(createBacktester({ results }), stepContext(broken, backtestCommand())).result;
    expect((outcome.result as BacktestOutcome).rejected_bars).toEqual([{ symbol: symbols[1]!.symbol, bars: 2 }]);
    expect(outcome.message).toContain(`${symbols[1]!.symbol}: 2 candles left out (${new Date(at).toISOString()}: close is`);
    const run = (await results.getRun('backtest_20240301_abc123'))!;
    const times = run.results.filter((r) => r.symbol === symbols[1]!.symbol).flatMap((r) => r.equity.map((e) => e.time));
    expect(times).not.toContain(at);
    expect(times).not.toContain(at + 300_000);
    for (const r of run.results) for (const e of r.equity) expect(Number.isFinite(e.equity)).toBe(true);
  });

  it('refuses the ppo strategy with neither rl_train before it nor a policy named', async () => {
    const results = new SqliteResults(':memory:');
    await results.migrate();
    const settings = pipelineOptionsSchema.parse({ ...options, backtest: { strategies: ['ppo'] } });
    const step = runStep(createBacktester({ results }), stepContext(ports, backtestCommand(['backtest'], settings)));
    await expect(step.result).rejects.toThrow(NonRetriableError);
    await expect(step.result).rejects.toThrow(/needs rl_train before backtest, or options.backtest.policy/);
  });
});
