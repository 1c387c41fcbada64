// What the trading stages (rl_train, backtest) read first: every symbol's stored candles as tradable
// bars (unusable candles left out and reported), and the walk-forward folds over the workflow's range,
// the same for every symbol and for both stages, so the backtest scores fold k with the policy rl_train
// trained on fold k's training bars.
import { barsPerYear } from '../analytics/indicators.ts';
import { type FoldSpan, foldSpans } from '../analytics/walk-forward.ts';
import { fixedIntervalMs, intervalOpenTime, type KlineInterval } from '../binance/intervals.ts';
import type { ControlCommand } from '../contracts/control.ts';
import { formatDataType } from '../contracts/data-type.ts';
import type { StageCommand } from '../contracts/pipeline.ts';
import { NonRetriableError } from '../errors.ts';
import type { StepContext } from '../harness/function.ts';
import { type PriceSeries, describeRejected, readPriceSeries } from '../store/price-bars.ts';

export interface WorkflowBars {
  readonly stage: StageCommand;
  readonly interval: KlineInterval;
  readonly intervalMs: number;
  readonly periodsPerYear: number;
  readonly series: readonly PriceSeries[];
  readonly folds: readonly FoldSpan[];
  /** The first bar's open time and the end of the last fold's test period. */
  readonly range: { readonly from: number; readonly to: number };
  /** Candles left out, described for the step's message; undefined when there were none. */
  readonly rejected: string | undefined;
  readonly rejectedBars: { symbol: string; bars: number }[];
}

export async function readWorkflowBars(ctx: StepContext, fn: string): Promise<WorkflowBars> {
  const { command, store, signal } = ctx;
  const stage = command.stage;
  if (!stage) throw new NonRetriableError(`${fn} needs a pipeline command (its symbols and options)`);
  const interval = candleInterval(command, fn);
  const intervalMs = fixedIntervalMs(interval);
  if (!intervalMs) throw new NonRetriableError(`${fn} needs bars of a fixed length; ${interval} varies`);
  const series: PriceSeries[] = [];
  for (const symbol of stage.symbols) {
    series.push(await readPriceSeries(store, symbol, command.type, command.time_range));
    signal.throwIfAborted();
  }
  const rejected = describeRejected(series);
  if (rejected) ctx.logger.warn({ rejected }, 'stored candles with prices that are not finite were left out');
  const spec = stage.options.walk_forward;
  const lastBar = Math.max(...series.map((s) => s.bars.at(-1)?.open_time ?? Number.NEGATIVE_INFINITY));
  const from = intervalOpenTime(command.time_range.from + intervalMs - 1, interval);
  const folds = foldSpans(from, Math.min(command.time_range.to, lastBar + intervalMs), intervalMs, spec);
  if (folds.length === 0) {
    throw new NonRetriableError(
      `the stored candles span fewer than the ${spec.train_bars + spec.test_bars} bars of ${interval} one walk-forward fold needs (train_bars ${spec.train_bars} + test_bars ${spec.test_bars})`,
    );
  }
  return {
    stage,
    interval,
    intervalMs,
    periodsPerYear: barsPerYear(intervalMs),
    series,
    folds,
    range: { from, to: folds.at(-1)!.test.to },
    rejected,
    rejectedBars: series.filter((s) => s.rejected.length > 0).map((s) => ({ symbol: s.symbol, bars: s.rejected.length })),
  };
}

function candleInterval(command: ControlCommand, fn: string): KlineInterval {
  if (command.type.kind !== 'candles') throw new NonRetriableError(`${fn} reads candles, not ${formatDataType(command.type)}`);
  return command.type.interval;
}
