// The ResultsStore port: backtest runs in a relational database — PostgreSQL in a deployment (plain SQL
// for whoever reads them), SQLite embedded. Both apply the same shipped migrations.
import type { BacktestRun, RunSummary } from '../contracts/backtest.ts';

export interface ResultsStore {
  readonly kind: string;
  /** Applies the shipped migrations not yet applied, in order; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** Writes a whole run in one transaction, replacing an earlier copy of the same run_id: a crash leaves the old copy or the new, never a mix. */
  saveRun(run: BacktestRun): Promise<void>;
  getRun(runId: string): Promise<BacktestRun | undefined>;
  /** Newest first. */
  listRuns(filter?: { readonly workflowId?: string }): Promise<RunSummary[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
