// Renders a workflow's steps as progress bars on a terminal, or as plain lines when output is not a TTY.
import { openTimesBetween } from '../../shared/binance/intervals.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { TARGETS, isStageTarget } from '../../shared/contracts/names.ts';
import type { StepOutcome } from '../../shared/contracts/pipeline.ts';
import type { Step, Workflow } from '../../shared/contracts/workflow.ts';

const WIDTH = 28;

/** What a step should reach: candles in the range for a candle loader, the loader's count for its persister. */
function expectedRecords(step: Step, workflow: Workflow): number | undefined {
  if (isStageTarget(step.target)) return undefined;
  if (step.target === TARGETS.persister) {
    const loader = workflow.steps.find((s) => s.queue_id === step.queue_id && s.target !== step.target);
    return loader?.status === 'succeeded' ? loader.records_written : undefined;
  }
  if (step.type.kind !== 'candles') return undefined;
  const range = workflow.request.time_range;
  return openTimesBetween(range.from, Math.min(range.to, Date.now()), step.type.interval).length;
}

function state(step: Step, workflow: Workflow): string {
  if (step.status === 'failed') return `failed: ${step.message}`;
  // In a cluster a step's first report comes from the pod that took it: until then it waits for one.
  if (step.status === 'running' && !step.heard_at && workflow.launch !== 'local') return step.pod ? `starting in pod ${step.pod}` : 'waiting for a pod';
  if (step.status === 'running' && step.pod) return `running in pod ${step.pod}`;
  if (step.status === 'running' && step.retry?.next_at) return `retrying (attempt ${step.retry.attempt} failed: ${step.retry.error})`;
  return step.status;
}

export function stepLine(step: Step, workflow: Workflow): string {
  const expected = expectedRecords(step, workflow);
  const done = step.status === 'succeeded';
  const fraction = done ? 1 : expected ? Math.min(1, step.records_written / expected) : 0;
  const filled = Math.round(fraction * WIDTH);
  const bar = expected || done ? '█'.repeat(filled) + '░'.repeat(WIDTH - filled) : '▒'.repeat(WIDTH);
  const who = isStageTarget(step.target) ? `${workflow.request.symbols.length} symbols` : step.symbol;
  const label = `${who.padEnd(9)} ${formatDataType(step.type).padEnd(15)} ${step.target.padEnd(16)}`;
  const count = `${step.records_written.toLocaleString('en-US')}${expected && !done ? `/${expected.toLocaleString('en-US')}` : ''}`;
  return `${label} ${bar} ${count.padStart(15)}  ${state(step, workflow)}`;
}

export interface Output {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export class ProgressView {
  private readonly out: Output;
  private drawnLines = 0;
  private readonly lastPlain = new Map<string, string>();

  constructor(out: Output = process.stdout) {
    this.out = out;
  }

  render(workflow: Workflow): void {
    const lines = [`${workflow.id}  ${workflow.status}${workflow.reason ? ` (${workflow.reason})` : ''}`, ...workflow.steps.map((s) => stepLine(s, workflow))];
    if (this.out.isTTY) {
      if (this.drawnLines) this.out.write(`\x1b[${this.drawnLines}A`);
      this.out.write(lines.map((line) => `\x1b[2K${line}\n`).join(''));
      this.drawnLines = lines.length;
      return;
    }
    // Without a terminal, print a step only when its state changes.
    for (const step of workflow.steps) {
      const key = state(step, workflow);
      if (this.lastPlain.get(step.id) === key) continue;
      this.lastPlain.set(step.id, key);
      this.out.write(`${stepLine(step, workflow)}\n`);
    }
    if (this.lastPlain.get(workflow.id) !== workflow.status) {
      this.lastPlain.set(workflow.id, workflow.status);
      this.out.write(`${lines[0]}\n`);
    }
  }
}

const score = (s: { accuracy: number; mcc: number }) => `accuracy ${(s.accuracy * 100).toFixed(1)}% (MCC ${s.mcc.toFixed(3)})`;

/** A stage's outcome in a line or two, for the end of `streamforge run`. */
export function describeOutcome(outcome: StepOutcome): string {
  if (outcome.kind === 'graph') {
    const missing = outcome.missing.map((m) => `${m.symbol} in ${m.windows}`).join(', ');
    return `Graph ${outcome.graph}: ${outcome.windows} windows, ${outcome.vertices} vertices, ${outcome.edges} edges${missing ? `; missing data: ${missing} windows` : ''}.`;
  }
  if (outcome.kind === 'train') {
    return [
      `Model ${outcome.model}${outcome.aliases.length ? ` (@${outcome.aliases.join(', @')})` : ''}: on ${outcome.test_windows} test windows, ${score(outcome.test)};`,
      `  baselines: majority ${score(outcome.baselines.majority)}, same as last window ${score(outcome.baselines.last_window)}; champion ${outcome.champion.reason}.`,
    ].join('\n');
  }
  if (outcome.kind === 'rl_train') {
    const folds = outcome.folds.map((f) => `fold ${f.fold} ${pct(f.test_return)} vs ${pct(f.buy_and_hold_return)}`).join(', ');
    return [
      `Policy ${outcome.model}${outcome.aliases.length ? ` (@${outcome.aliases.join(', @')})` : ''}: ${outcome.steps} steps over ${outcome.folds.length} folds; out of sample ${pct(outcome.test_return)} (Sharpe ${ratio(outcome.test_sharpe)}) vs buy-and-hold ${pct(outcome.buy_and_hold_return)}, after costs;`,
      `  ${folds}; champion ${outcome.champion.reason}.`,
    ].join('\n');
  }
  const rows = outcome.strategies.map(
    (s) =>
      `  ${s.strategy.padEnd(14)} return ${pct(s.mean_return).padStart(8)}  Sharpe ${ratio(s.mean_sharpe).padStart(6)}  max drawdown ${pct(s.worst_drawdown).padStart(7)}  ${s.trades} trades${s.folds_skipped ? `; ${s.folds_skipped} folds skipped: ${s.skipped_because}` : ''}`,
  );
  const rejected = outcome.rejected_bars.map((r) => `${r.symbol} ${r.bars}`).join(', ');
  return [
    `Backtest ${outcome.run_id} (${outcome.results_store}), ${outcome.folds} walk-forward folds, mean over symbols, after costs:`,
    ...rows,
    ...(rejected ? [`  candles left out for prices that are not finite: ${rejected}`] : []),
  ].join('\n');
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const ratio = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
