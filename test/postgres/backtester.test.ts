// A real walk-forward run of the backtester step writing to PostgreSQL, then read back as an analyst
// would, with plain SQL: the schema is the one the shipped migrations create.
import { afterAll, describe, expect, it } from 'vitest';
import { createBacktester } from '../../functions/backtester/index.ts';
import { PostgresResults } from '../../shared/adapters/postgres/pg-results.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import { type BacktestOutcome, pipelineOptionsSchema } from '../../shared/contracts/pipeline.ts';
import { simulatedSymbols, storeSimulatedCandles } from '../market-candles.ts';
import { commandFor, embeddedPorts, runStep, stepContext } from '../step-context.ts';
import { ownDatabase, withClient } from './postgres.ts';

const database = await ownDatabase('backtester');
afterAll(() => database.drop());

describe('the backtester on PostgreSQL', () => {
  it('writes a walk-forward run whose folds, equity and trades read back with plain SQL', async () => {
    const ports = embeddedPorts();
    const symbols = simulatedSymbols(2);
    await storeSimulatedCandles(ports.store, { seed: 9, symbols }, Date.UTC(2024, 4, 1), Date.UTC(2024, 4, 11));
    const options = pipelineOptionsSchema.parse({ walk_forward: { train_bars: 1152, test_bars: 576 } });
    const command = {
      ...commandFor(TARGETS.backtester, symbols[0]!.symbol, 'api_candles_5m', '2024-05-01:2024-05-11'),
      collection_name: 'backtest_20240501_abc123',
      stage: { workflow_id: 'wf-20240501-abc123', symbols: symbols.map((s) => s.symbol), pipeline: ['backtest' as const], options },
    };
    const results = new PostgresResults(database.url);
    let outcome: BacktestOutcome;
    try {
      await results.migrate();
      outcome = (await runStep(createBacktester({ results }), stepContext(ports, command)).result).result as BacktestOutcome;
    } finally {
      await results.close();
    }
    // Ten days = 2,880 bars: (2880 - 1728) / 576 + 1 = 3 folds.
    expect(outcome).toMatchObject({ run_id: 'backtest_20240501_abc123', results_store: 'postgres', folds: 3 });

    await withClient(database.url, async (sql) => {
      const runs = await sql.query("SELECT run_id, workflow_id, interval, fee_rate, slippage_rate FROM backtest_runs WHERE run_id = 'backtest_20240501_abc123'");
      expect(runs.rows).toEqual([{ run_id: 'backtest_20240501_abc123', workflow_id: 'wf-20240501-abc123', interval: '5m', fee_rate: 0.001, slippage_rate: 0.0005 }]);
      const folds = await sql.query(
        "SELECT strategy, count(*)::int AS folds, min(test_from) AS first_test FROM backtest_folds WHERE run_id = 'backtest_20240501_abc123' GROUP BY strategy ORDER BY strategy",
      );
      expect(folds.rows).toEqual([
        { strategy: 'buy_and_hold', folds: 6, first_test: new Date(Date.UTC(2024, 4, 5)) },
        { strategy: 'sma_crossover', folds: 6, first_test: new Date(Date.UTC(2024, 4, 5)) },
      ]);
      // The summaries are the step's outcome: the mean total return over the symbols, per strategy.
      const summaries = await sql.query(
        "SELECT strategy, avg(total_return) AS mean_return, sum(trades)::int AS trades FROM backtest_summaries WHERE run_id = 'backtest_20240501_abc123' GROUP BY strategy ORDER BY strategy",
      );
      for (const row of summaries.rows) {
        const reported = outcome.strategies.find((s) => s.strategy === row.strategy)!;
        expect(row.mean_return).toBeCloseTo(reported.mean_return, 12);
        expect(row.trades).toBe(reported.trades);
      }
      // Buy-and-hold buys at each test period's first open and sells at its last close: two trades a fold and symbol.
      const trades = await sql.query(
        "SELECT side, count(*)::int AS n FROM backtest_trades WHERE run_id = 'backtest_20240501_abc123' AND strategy = 'buy_and_hold' GROUP BY side ORDER BY side",
      );
      expect(trades.rows).toEqual([
        { side: 'buy', n: 6 },
        { side: 'sell', n: 6 },
      ]);
      const equity = await sql.query("SELECT count(*)::int AS n, bool_and(equity > 0) AS positive FROM backtest_equity WHERE run_id = 'backtest_20240501_abc123'");
      expect(equity.rows).toEqual([{ n: 2 * 2 * 3 * 576, positive: true }]);
    });
  });
});
