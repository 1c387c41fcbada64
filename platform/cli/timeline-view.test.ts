// The timeline as `streamforge events` prints it: times since the start and of day, steps, records,
// retries and failures with their reasons, heartbeats folded, a day break, and the per-step summary.
import { describe, expect, it } from 'vitest';
import { planWorkflow } from '../../functions/orchestrator/plan.ts';
import type { TimelineEntry } from '../../shared/contracts/timeline.ts';
import { type Workflow, workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { duration, renderTimeline, sinceStart, summarizeSteps } from './timeline-view.ts';

const created = Date.UTC(2026, 4, 4, 23, 59, 58);
const at = (ms: number) => new Date(created + ms).toISOString();

function failedWorkflow(): { workflow: Workflow; entries: TimelineEntry[] } {
  const workflow = planWorkflow(workflowRequestSchema.parse({ symbols: ['BTCUSDT'], types: ['api_trades'], time_range: '2024-08-01:2024-08-02' }), 'a1b2c3', new Date(created));
  const [loader, persister] = workflow.steps;
  const q = loader!.queue_id;
  Object.assign(loader!, { status: 'failed', records_written: 3000, message: 'Binance error -1100: Illegal characters', started_at: at(4), ended_at: at(2604) });
  Object.assign(persister!, { status: 'cancelled', records_written: 2500, started_at: at(5), ended_at: at(2604) });
  Object.assign(workflow, { status: 'failed', reason: 'loader-producer BTCUSDT api_trades: Binance error -1100: Illegal characters' });
  const step = { queue_id: q, symbol: 'BTCUSDT', type: 'api_trades' };
  const loaderStep = { ...step, target: 'loader-producer' };
  const persisterStep = { ...step, target: 'arango-connector' };
  const raw: Omit<TimelineEntry, 'seq'>[] = [
    { time: at(1), source: 'orchestrator', kind: 'workflow_created', message: '2 steps: BTCUSDT × api_trades over 2024-08-01:2024-08-02' },
    { time: at(4), source: 'orchestrator', kind: 'dispatched', ...loaderStep, records_written: 0, message: 'start command sent on queue-control-loader-producer' },
    { time: at(150), source: 'function', kind: 'started', ...loaderStep, records_written: 0, message: 'loader-producer started' },
    { time: at(400), source: 'function', kind: 'loading', ...loaderStep, records_written: 1000, message: 'Loaded 1000 records' },
    { time: at(450), source: 'function', kind: 'loading', ...persisterStep, records_written: 800, message: 'Stored 800' },
    { time: at(900), source: 'function', kind: 'retrying', ...loaderStep, records_written: 1000, message: 'HTTP 500', attempt: 1, retry_at: at(1900) },
    { time: at(1400), source: 'function', kind: 'retrying', ...loaderStep, records_written: 1000, message: 'HTTP 500', attempt: 1, retry_at: at(1900) },
    { time: at(2100), source: 'function', kind: 'loading', ...loaderStep, records_written: 3000, message: 'Loaded 3000 records' },
    { time: at(2600), source: 'function', kind: 'error', ...loaderStep, records_written: 3000, message: 'Binance error -1100: Illegal characters' },
    { time: at(2602), source: 'orchestrator', kind: 'stop_sent', ...persisterStep, records_written: 2500, message: 'stop command sent on queue-control-arango-connector' },
    { time: at(2604), source: 'orchestrator', kind: 'workflow_failed', message: workflow.reason! },
  ];
  return { workflow, entries: raw.map((entry, i) => ({ seq: i + 1, ...entry }) as TimelineEntry) };
}

describe('streamforge events: the timeline view', () => {
  it('formats times since the start and durations', () => {
    expect([sinceStart(0), sinceStart(2604), sinceStart(-4), sinceStart(3_723_456)]).toEqual(['+0:00:00.000', '+0:00:02.604', '-0:00:00.004', '+1:02:03.456']);
    expect([duration(400), duration(185_000), duration(7_260_000)]).toEqual(['0.4s', '3m 05s', '2h 01m']);
  });

  it('prints one line per entry, folds a repeated report, breaks at midnight, and ends with each step', () => {
    const { workflow, entries } = failedWorkflow();
    expect(renderTimeline(workflow, entries)).toEqual([
      `Workflow ${workflow.id}: failed (loader-producer BTCUSDT api_trades: Binance error -1100: Illegal characters)`,
      'Created 2026-05-04 23:59:58.000 UTC, ended after 2.6s; 11 entries, 1 repeated report folded into the line it repeats (--all prints each).',
      '',
      '   SINCE START  UTC           STEP                                 RECORDS  WHAT HAPPENED',
      '  +0:00:00.001  23:59:58.001  workflow                                      created: 2 steps: BTCUSDT × api_trades over 2024-08-01:2024-08-02',
      '  +0:00:00.004  23:59:58.004  BTCUSDT api_trades loader-producer         0  dispatched: start command sent on queue-control-loader-producer',
      '  +0:00:00.150  23:59:58.150  BTCUSDT api_trades loader-producer         0  started: loader-producer started',
      '  +0:00:00.400  23:59:58.400  BTCUSDT api_trades loader-producer     1,000  progress: Loaded 1000 records',
      '  +0:00:00.450  23:59:58.450  BTCUSDT api_trades arango-connector      800  progress: Stored 800',
      '  +0:00:00.900  23:59:58.900  BTCUSDT api_trades loader-producer     1,000  retrying: attempt 1 failed: HTTP 500; next attempt at 23:59:59.900 (repeated 1×, last at +0:00:01.400)',
      '  ── 2026-05-05 ──',
      '  +0:00:02.100  00:00:00.100  BTCUSDT api_trades loader-producer     3,000  progress: Loaded 3000 records',
      '  +0:00:02.600  00:00:00.600  BTCUSDT api_trades loader-producer     3,000  FAILED: Binance error -1100: Illegal characters',
      '  +0:00:02.602  00:00:00.602  BTCUSDT api_trades arango-connector    2,500  stopped: stop command sent on queue-control-arango-connector',
      '  +0:00:02.604  00:00:00.604  workflow                                      FAILED: loader-producer BTCUSDT api_trades: Binance error -1100: Illegal characters',
      '',
      'Steps',
      '  STEP                                 STATUS     RECORDS  RETRIES  DURATION',
      '  BTCUSDT api_trades loader-producer   failed       3,000        1      2.6s  Binance error -1100: Illegal characters',
      '  BTCUSDT api_trades arango-connector  cancelled    2,500        0      2.6s',
    ]);
    // --all: every entry on its own line.
    expect(renderTimeline(workflow, entries, { all: true }).filter((line) => line.includes('retrying:'))).toHaveLength(2);
  });

  it('summarizes each step for --json: status, records, distinct retries, duration, the reason of a failure', () => {
    const { workflow, entries } = failedWorkflow();
    expect(summarizeSteps(workflow, entries)).toEqual([
      { step: 'BTCUSDT api_trades loader-producer', status: 'failed', records_written: 3000, retries: 1, duration_ms: 2600, reason: 'Binance error -1100: Illegal characters' },
      { step: 'BTCUSDT api_trades arango-connector', status: 'cancelled', records_written: 2500, retries: 0, duration_ms: 2599, reason: null },
    ]);
  });
});
