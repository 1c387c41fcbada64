// A workflow's timeline for a person: one line per entry with the time since the workflow was created and
// the time of day (UTC), the step, the records it had written and what happened; a report that only
// repeats the one before it for the same step (a heartbeat) is folded into that line unless every line is
// asked for. Then one line per step: status, records, retries, duration, and why it failed.
import { isStageTarget } from '../../shared/contracts/names.ts';
import type { TimelineEntry, TimelineKind } from '../../shared/contracts/timeline.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import type { Step, Workflow } from '../../shared/contracts/workflow.ts';

export interface StepSummary {
  readonly step: string;
  readonly status: Step['status'];
  readonly records_written: number;
  readonly retries: number;
  readonly duration_ms: number | null;
  readonly reason: string | null;
}

const VERBS: Record<TimelineKind, string> = {
  started: 'started',
  loading: 'progress',
  retrying: 'retrying',
  interrupted: 'interrupted',
  finished: 'finished',
  error: 'FAILED',
  cancelled: 'cancelled',
  workflow_created: 'created',
  workflow_resumed: 'resumed',
  dispatched: 'dispatched',
  placed: 'placed',
  timed_out: 'TIMED OUT',
  pod_failed: 'POD FAILED',
  stop_sent: 'stopped',
  workflow_succeeded: 'succeeded',
  workflow_failed: 'FAILED',
  workflow_cancelled: 'cancelled',
};

const count = (n: number) => n.toLocaleString('en-US');
const clock = (iso: string) => iso.slice(11, 23);
const day = (iso: string) => iso.slice(0, 10);

/** +H:MM:SS.mmm since the workflow was created (a function's clock may run a little behind: -0:00:00.004). */
export function sinceStart(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(ms));
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor(abs / 60_000) % 60;
  const seconds = (abs % 60_000) / 1000;
  return `${sign}${hours}:${String(minutes).padStart(2, '0')}:${seconds.toFixed(3).padStart(6, '0')}`;
}

/** 0.4s, 12.0s, 3m 05s, 2h 01m */
export function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m ${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

function stepLabel(entry: { target?: string | undefined; symbol?: string | undefined; type?: string | undefined }): string {
  if (!entry.target) return 'workflow';
  if (isStageTarget(entry.target)) return entry.target;
  return [entry.symbol, entry.type, entry.target].filter(Boolean).join(' ');
}

export function describeEntry(entry: TimelineEntry): string {
  const verb = VERBS[entry.kind];
  if (entry.kind === 'retrying') {
    const next = entry.retry_at ? `; next attempt at ${clock(entry.retry_at)}` : '';
    return `${verb}: attempt ${entry.attempt ?? '?'} failed: ${entry.message}${next}`;
  }
  const where = entry.kind === 'started' && entry.pod ? ` (pod ${entry.pod})` : '';
  return `${verb}${where}: ${entry.message}`;
}

const sameReport = (a: TimelineEntry, b: TimelineEntry) =>
  a.source === 'function' && a.kind === b.kind && a.message === b.message && a.records_written === b.records_written && a.attempt === b.attempt && a.pod === b.pod;

interface Row {
  readonly entry: TimelineEntry;
  repeats: number;
  lastAt: string;
}

/** Entries as rows; a report repeating the previous one of its step is folded into it, unless `all`. */
function rows(entries: readonly TimelineEntry[], all: boolean): Row[] {
  const out: Row[] = [];
  const lastOfStep = new Map<string, Row>();
  for (const entry of entries) {
    const key = `${entry.queue_id ?? ''}/${entry.target ?? ''}`;
    const previous = lastOfStep.get(key);
    if (!all && previous && sameReport(previous.entry, entry)) {
      previous.repeats++;
      previous.lastAt = entry.time;
      continue;
    }
    const row = { entry, repeats: 0, lastAt: entry.time };
    out.push(row);
    lastOfStep.set(key, row);
  }
  return out;
}

/** Per step: its status, records and duration from the workflow, its retries (distinct failed attempts) from the timeline. */
export function summarizeSteps(workflow: Workflow, entries: readonly TimelineEntry[], now = Date.now()): StepSummary[] {
  return workflow.steps.map((step) => {
    const retrying = entries.filter((e) => e.kind === 'retrying' && e.queue_id === step.queue_id && e.target === step.target);
    const attempts = new Set(retrying.map((e, i) => e.attempt ?? -i));
    const started = step.started_at ? Date.parse(step.started_at) : null;
    const ended = step.ended_at ? Date.parse(step.ended_at) : step.status === 'running' ? now : null;
    return {
      step: stepLabel({ target: step.target, symbol: step.symbol, type: formatDataType(step.type) }),
      status: step.status,
      records_written: step.records_written,
      retries: attempts.size,
      duration_ms: started !== null && ended !== null ? ended - started : null,
      reason: step.status === 'failed' ? step.message : null,
    };
  });
}

function table(lines: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string[] {
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  return lines.map((line) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : rightAligned.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const foldedNote = (n: number) => (n === 1 ? '1 repeated report folded into the line it repeats' : `${count(n)} repeated reports folded into the lines they repeat`);

export function renderTimeline(workflow: Workflow, entries: readonly TimelineEntry[], options: { all?: boolean; now?: number } = {}): string[] {
  const start = Date.parse(workflow.created_at);
  const shown = rows(entries, options.all ?? false);
  const folded = entries.length - shown.length;
  const end = [...entries].reverse().find((e) => e.kind.startsWith('workflow_') && e.kind !== 'workflow_created' && e.kind !== 'workflow_resumed');
  const ended = end ? `, ended after ${duration(Date.parse(end.time) - start)}` : '';
  const out = [
    `Workflow ${workflow.id}: ${workflow.status}${workflow.reason ? ` (${workflow.reason})` : ''}`,
    `Created ${day(workflow.created_at)} ${clock(workflow.created_at)} UTC${ended}; ${count(entries.length)} entries${folded ? `, ${foldedNote(folded)} (--all prints each)` : ''}.`,
    '',
  ];
  let currentDay = day(workflow.created_at);
  const lines: string[][] = [['SINCE START', 'UTC', 'STEP', 'RECORDS', 'WHAT HAPPENED']];
  const dayBreaks = new Map<number, string>();
  for (const { entry, repeats, lastAt } of shown) {
    if (day(entry.time) !== currentDay) dayBreaks.set(lines.length, (currentDay = day(entry.time)));
    const repeated = repeats ? ` (repeated ${repeats}×, last at ${sinceStart(Date.parse(lastAt) - start)})` : '';
    lines.push([
      sinceStart(Date.parse(entry.time) - start),
      clock(entry.time),
      stepLabel(entry),
      entry.records_written === undefined ? '' : count(entry.records_written),
      `${describeEntry(entry)}${repeated}`,
    ]);
  }
  table(lines, new Set([0, 3])).forEach((line, i) => {
    const newDay = dayBreaks.get(i);
    if (newDay) out.push(`  ── ${newDay} ──`);
    out.push(`  ${line}`);
  });
  const steps = summarizeSteps(workflow, entries, options.now);
  const summary = [
    ['STEP', 'STATUS', 'RECORDS', 'RETRIES', 'DURATION', ''],
    ...steps.map((s) => [s.step, s.status, count(s.records_written), String(s.retries), s.duration_ms === null ? '—' : duration(s.duration_ms), s.reason ?? '']),
  ];
  out.push('', 'Steps', ...table(summary, new Set([2, 3, 4])).map((line) => `  ${line}`));
  return out;
}
