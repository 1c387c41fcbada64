-- Backtest results: one row per run, and per strategy and symbol of a run its walk-forward folds, its
-- summary over all folds, its equity curve and its trades. Deleting a run deletes everything under it.
--
-- The same file runs on PostgreSQL and on SQLite (the embedded store), so it keeps to what both accept:
-- TEXT, INTEGER, DOUBLE PRECISION, TIMESTAMPTZ; JSON is kept as TEXT. PostgreSQL stores TIMESTAMPTZ as
-- an instant; SQLite stores the ISO-8601 UTC text (2024-08-01T00:00:00.000Z), which sorts in time order.
-- Numbers are finite: the stores write NaN and infinities as NULL, which NOT NULL refuses. cagr, sharpe
-- and sortino are NULL where the ratio has no value (a flat strategy has no volatility to divide by).

CREATE TABLE backtest_runs (
  run_id           TEXT PRIMARY KEY,
  workflow_id      TEXT,
  created_at       TIMESTAMPTZ NOT NULL,
  -- The bar interval the run read, e.g. 5m.
  interval         TEXT NOT NULL,
  -- All bars the run read: open times in [range_from, range_to).
  range_from       TIMESTAMPTZ NOT NULL,
  range_to         TIMESTAMPTZ NOT NULL,
  fee_rate         DOUBLE PRECISION NOT NULL CHECK (fee_rate >= 0),
  slippage_rate    DOUBLE PRECISION NOT NULL CHECK (slippage_rate >= 0),
  initial_cash     DOUBLE PRECISION NOT NULL CHECK (initial_cash > 0),
  periods_per_year DOUBLE PRECISION NOT NULL CHECK (periods_per_year > 0)
);

CREATE INDEX backtest_runs_by_workflow ON backtest_runs (workflow_id, created_at);
CREATE INDEX backtest_runs_by_created ON backtest_runs (created_at);

-- Per strategy and symbol: every fold's test periods chained, each starting from the equity the
-- previous one ended with. seq is the place of this result in the run's list.
CREATE TABLE backtest_summaries (
  run_id            TEXT NOT NULL REFERENCES backtest_runs (run_id) ON DELETE CASCADE,
  strategy          TEXT NOT NULL,
  symbol            TEXT NOT NULL,
  seq               INTEGER NOT NULL CHECK (seq >= 0),
  bars              INTEGER NOT NULL CHECK (bars >= 0),
  total_return      DOUBLE PRECISION NOT NULL,
  cagr              DOUBLE PRECISION,
  sharpe            DOUBLE PRECISION,
  sortino           DOUBLE PRECISION,
  max_drawdown      DOUBLE PRECISION NOT NULL,
  annual_volatility DOUBLE PRECISION NOT NULL,
  turnover          DOUBLE PRECISION NOT NULL,
  hit_rate          DOUBLE PRECISION NOT NULL,
  trades            INTEGER NOT NULL CHECK (trades >= 0),
  -- How many folds backtest_folds holds for this strategy and symbol.
  folds             INTEGER NOT NULL CHECK (folds >= 0),
  -- Folds it could not trade, and why: JSON [{"fold": 0, "reason": "..."}].
  skipped           TEXT NOT NULL,
  PRIMARY KEY (run_id, strategy, symbol),
  UNIQUE (run_id, seq)
);

-- One walk-forward fold: fitted on [train_from, train_to), scored on [test_from, test_to).
CREATE TABLE backtest_folds (
  run_id            TEXT NOT NULL REFERENCES backtest_runs (run_id) ON DELETE CASCADE,
  strategy          TEXT NOT NULL,
  symbol            TEXT NOT NULL,
  fold              INTEGER NOT NULL CHECK (fold >= 0),
  train_from        TIMESTAMPTZ NOT NULL,
  train_to          TIMESTAMPTZ NOT NULL,
  test_from         TIMESTAMPTZ NOT NULL,
  test_to           TIMESTAMPTZ NOT NULL,
  -- The parameters it traded the test period with: JSON, e.g. {"fast": 12, "slow": 48}.
  params            TEXT NOT NULL,
  bars              INTEGER NOT NULL CHECK (bars >= 0),
  total_return      DOUBLE PRECISION NOT NULL,
  cagr              DOUBLE PRECISION,
  sharpe            DOUBLE PRECISION,
  sortino           DOUBLE PRECISION,
  max_drawdown      DOUBLE PRECISION NOT NULL,
  annual_volatility DOUBLE PRECISION NOT NULL,
  turnover          DOUBLE PRECISION NOT NULL,
  hit_rate          DOUBLE PRECISION NOT NULL,
  trades            INTEGER NOT NULL CHECK (trades >= 0),
  PRIMARY KEY (run_id, strategy, symbol, fold)
);

-- Equity at the close of each test bar (time is the bar's open), and the share of it held in the asset.
CREATE TABLE backtest_equity (
  run_id   TEXT NOT NULL REFERENCES backtest_runs (run_id) ON DELETE CASCADE,
  strategy TEXT NOT NULL,
  symbol   TEXT NOT NULL,
  fold     INTEGER NOT NULL CHECK (fold >= 0),
  time     TIMESTAMPTZ NOT NULL,
  equity   DOUBLE PRECISION NOT NULL,
  position DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (run_id, strategy, symbol, fold, time)
);

-- Fills in the order they happened (seq): decided on the close of the bar at decided_at, filled at the
-- open of the bar at time, at price after slippage; fee in quote; equity right after the fill.
CREATE TABLE backtest_trades (
  run_id     TEXT NOT NULL REFERENCES backtest_runs (run_id) ON DELETE CASCADE,
  strategy   TEXT NOT NULL,
  symbol     TEXT NOT NULL,
  seq        INTEGER NOT NULL CHECK (seq >= 0),
  fold       INTEGER NOT NULL CHECK (fold >= 0),
  decided_at TIMESTAMPTZ NOT NULL,
  time       TIMESTAMPTZ NOT NULL,
  side       TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
  price      DOUBLE PRECISION NOT NULL CHECK (price > 0),
  quantity   DOUBLE PRECISION NOT NULL CHECK (quantity > 0),
  fee        DOUBLE PRECISION NOT NULL CHECK (fee >= 0),
  equity     DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (run_id, strategy, symbol, seq)
);
