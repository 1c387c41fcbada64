// How a BacktestRun maps onto the results tables (migrations/001_backtest_results.sql) and back. The
// PostgreSQL and the SQLite adapter write these same rows and read with these same queries; they differ
// only in their driver, their placeholders and how a TIMESTAMPTZ comes back (a Date, or ISO text).
import { type BacktestRun, type Performance, performanceSchema, type RunSummary, type StrategyResult, strategyNameSchema } from '../../contracts/backtest.ts';

export type SqlValue = string | number | null;
export type ColumnType = 'text' | 'integer' | 'double precision' | 'timestamptz';
export type Row = Record<string, unknown>;

export interface TableRows {
  readonly table: string;
  readonly columns: readonly (readonly [name: string, type: ColumnType])[];
  readonly rows: readonly (readonly SqlValue[])[];
}

const PERFORMANCE_FIELDS = performanceSchema.keyof().options;
const COUNTS = new Set<string>(['bars', 'trades']);
const performanceColumns = PERFORMANCE_FIELDS.map((field) => [field, COUNTS.has(field) ? 'integer' : 'double precision'] as const);
const key = ['run_id', 'text'] as const;
const strategyAndSymbol = [key, ['strategy', 'text'], ['symbol', 'text']] as const;

/** Times travel as ISO-8601 UTC text: PostgreSQL reads it into a TIMESTAMPTZ, SQLite keeps it as it is. */
const iso = (ms: number) => new Date(ms).toISOString();
/**
 * NaN and infinities are not values a result can have: written as NULL, which NOT NULL refuses in both
 * databases (PostgreSQL would take NaN, and NaN > 0 is true there). A ratio with no value is NULL anyway.
 */
const finite = (value: number | null) => (value !== null && Number.isFinite(value) ? value : null);
const performanceValues = (performance: Performance) => PERFORMANCE_FIELDS.map((field) => finite(performance[field]));

/** The rows of a run, table by table, parents first. */
export function runTables(run: BacktestRun): TableRows[] {
  const summaries: SqlValue[][] = [];
  const folds: SqlValue[][] = [];
  const equity: SqlValue[][] = [];
  const trades: SqlValue[][] = [];
  run.results.forEach((result, seq) => {
    const owner = [run.run_id, result.strategy, result.symbol];
    summaries.push([...owner, seq, ...performanceValues(result.aggregate), result.folds.length, JSON.stringify(result.skipped)]);
    for (const f of result.folds) {
      folds.push([...owner, f.fold, iso(f.train.from), iso(f.train.to), iso(f.test.from), iso(f.test.to), JSON.stringify(f.params), ...performanceValues(f.performance)]);
    }
    for (const point of result.equity) equity.push([...owner, point.fold, iso(point.time), finite(point.equity), finite(point.position)]);
    result.trades.forEach((t, tradeSeq) => {
      trades.push([...owner, tradeSeq, t.fold, iso(t.decided_at), iso(t.time), t.side, finite(t.price), finite(t.quantity), finite(t.fee), finite(t.equity)]);
    });
  });
  return [
    {
      table: 'backtest_runs',
      columns: [
        key,
        ['workflow_id', 'text'],
        ['created_at', 'timestamptz'],
        ['interval', 'text'],
        ['range_from', 'timestamptz'],
        ['range_to', 'timestamptz'],
        ['fee_rate', 'double precision'],
        ['slippage_rate', 'double precision'],
        ['initial_cash', 'double precision'],
        ['periods_per_year', 'double precision'],
      ],
      rows: [
        [
          run.run_id,
          run.workflow_id,
          iso(run.created_at),
          run.interval,
          iso(run.range.from),
          iso(run.range.to),
          finite(run.fee_rate),
          finite(run.slippage_rate),
          finite(run.initial_cash),
          finite(run.periods_per_year),
        ],
      ],
    },
    {
      table: 'backtest_summaries',
      columns: [...strategyAndSymbol, ['seq', 'integer'], ...performanceColumns, ['folds', 'integer'], ['skipped', 'text']],
      rows: summaries,
    },
    {
      table: 'backtest_folds',
      columns: [
        ...strategyAndSymbol,
        ['fold', 'integer'],
        ['train_from', 'timestamptz'],
        ['train_to', 'timestamptz'],
        ['test_from', 'timestamptz'],
        ['test_to', 'timestamptz'],
        ['params', 'text'],
        ...performanceColumns,
      ],
      rows: folds,
    },
    {
      table: 'backtest_equity',
      columns: [...strategyAndSymbol, ['fold', 'integer'], ['time', 'timestamptz'], ['equity', 'double precision'], ['position', 'double precision']],
      rows: equity,
    },
    {
      table: 'backtest_trades',
      columns: [
        ...strategyAndSymbol,
        ['seq', 'integer'],
        ['fold', 'integer'],
        ['decided_at', 'timestamptz'],
        ['time', 'timestamptz'],
        ['side', 'text'],
        ['price', 'double precision'],
        ['quantity', 'double precision'],
        ['fee', 'double precision'],
        ['equity', 'double precision'],
      ],
      rows: trades,
    },
  ];
}

/** Queries with `?` placeholders (the PostgreSQL adapter numbers them). Rows come back in the order they were written. */
export const QUERIES = {
  deleteRun: 'DELETE FROM backtest_runs WHERE run_id = ?',
  run: 'SELECT * FROM backtest_runs WHERE run_id = ?',
  summaries: 'SELECT * FROM backtest_summaries WHERE run_id = ? ORDER BY seq',
  folds: 'SELECT * FROM backtest_folds WHERE run_id = ? ORDER BY strategy, symbol, fold',
  equity: 'SELECT strategy, symbol, fold, time, equity, position FROM backtest_equity WHERE run_id = ? ORDER BY strategy, symbol, fold, time',
  trades: 'SELECT * FROM backtest_trades WHERE run_id = ? ORDER BY strategy, symbol, seq',
  listRuns: (byWorkflow: boolean) => `SELECT * FROM backtest_runs${byWorkflow ? ' WHERE workflow_id = ?' : ''} ORDER BY created_at DESC, run_id DESC`,
  listResults: (byWorkflow: boolean) =>
    `SELECT s.run_id, s.strategy, s.symbol FROM backtest_summaries s JOIN backtest_runs r ON r.run_id = s.run_id${byWorkflow ? ' WHERE r.workflow_id = ?' : ''} ORDER BY s.run_id, s.seq`,
} as const;

export interface RunRows {
  readonly run: Row;
  readonly summaries: readonly Row[];
  readonly folds: readonly Row[];
  readonly equity: readonly Row[];
  readonly trades: readonly Row[];
}

/** A TIMESTAMPTZ as PostgreSQL's driver gives it (a Date) or as SQLite keeps it (ISO text), in epoch ms. */
function epochMs(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new Error(`not a stored time: ${String(value)}`);
  return ms;
}

const numberOrNull = (value: unknown) => (value === null ? null : Number(value));
/** NOT NULL keeps NULL to the ratios that may lack a value. */
const performanceOf = (row: Row) => Object.fromEntries(PERFORMANCE_FIELDS.map((field) => [field, numberOrNull(row[field])])) as Performance;
const ownerOf = (row: Row) => `${String(row.strategy)}\u0000${String(row.symbol)}`;

function groupByOwner(rows: readonly Row[]): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const owner = ownerOf(row);
    const group = groups.get(owner);
    if (group) group.push(row);
    else groups.set(owner, [row]);
  }
  return groups;
}

export function assembleRun(rows: RunRows): BacktestRun {
  const folds = groupByOwner(rows.folds);
  const equity = groupByOwner(rows.equity);
  const trades = groupByOwner(rows.trades);
  const results = rows.summaries.map((summary): StrategyResult => {
    const owner = ownerOf(summary);
    return {
      strategy: strategyNameSchema.parse(summary.strategy),
      symbol: String(summary.symbol),
      folds: (folds.get(owner) ?? []).map((f) => ({
        fold: Number(f.fold),
        train: { from: epochMs(f.train_from), to: epochMs(f.train_to) },
        test: { from: epochMs(f.test_from), to: epochMs(f.test_to) },
        performance: performanceOf(f),
        params: JSON.parse(String(f.params)),
      })),
      aggregate: performanceOf(summary),
      equity: (equity.get(owner) ?? []).map((p) => ({ fold: Number(p.fold), time: epochMs(p.time), equity: Number(p.equity), position: Number(p.position) })),
      trades: (trades.get(owner) ?? []).map((t) => ({
        fold: Number(t.fold),
        decided_at: epochMs(t.decided_at),
        time: epochMs(t.time),
        side: t.side === 'sell' ? 'sell' : 'buy',
        price: Number(t.price),
        quantity: Number(t.quantity),
        fee: Number(t.fee),
        equity: Number(t.equity),
      })),
      skipped: JSON.parse(String(summary.skipped)),
    };
  });
  const { run } = rows;
  return {
    run_id: String(run.run_id),
    workflow_id: run.workflow_id === null ? null : String(run.workflow_id),
    created_at: epochMs(run.created_at),
    interval: String(run.interval),
    range: { from: epochMs(run.range_from), to: epochMs(run.range_to) },
    fee_rate: Number(run.fee_rate),
    slippage_rate: Number(run.slippage_rate),
    initial_cash: Number(run.initial_cash),
    periods_per_year: Number(run.periods_per_year),
    results,
  };
}

/** Runs newest first, each with the strategies and symbols of its results in the order they were written. */
export function summarizeRuns(runs: readonly Row[], results: readonly Row[]): RunSummary[] {
  const byRun = new Map<string, { strategies: Set<string>; symbols: Set<string> }>();
  for (const row of results) {
    const id = String(row.run_id);
    const entry = byRun.get(id) ?? { strategies: new Set<string>(), symbols: new Set<string>() };
    entry.strategies.add(String(row.strategy));
    entry.symbols.add(String(row.symbol));
    byRun.set(id, entry);
  }
  return runs.map((run) => {
    const entry = byRun.get(String(run.run_id));
    return {
      run_id: String(run.run_id),
      workflow_id: run.workflow_id === null ? null : String(run.workflow_id),
      created_at: epochMs(run.created_at),
      interval: String(run.interval),
      range: { from: epochMs(run.range_from), to: epochMs(run.range_to) },
      strategies: [...(entry?.strategies ?? [])].map((name) => strategyNameSchema.parse(name)),
      symbols: [...(entry?.symbols ?? [])],
    };
  });
}
