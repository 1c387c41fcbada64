// A workflow that fails, read back from its timeline on the embedded platform: the simulator fails one
// trades request with a 500 (retried) and a later one with a Binance 400 (not retried), and the timeline —
// over HTTP and through `streamforge events` as a process — names the failing step, its reason, its retry
// and the records it had written, the same count the step reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../platform/local.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import type { TimelineEntry } from '../../shared/contracts/timeline.ts';
import type { Workflow } from '../../shared/contracts/workflow.ts';
import { api, ended, startTestPlatform, streamforge, until, waitForWorkflow } from '../helpers.ts';

const ILLEGAL = "Illegal characters found in parameter 'fromId'";

describe('the timeline of a failed workflow', () => {
  let platform: LocalPlatform;
  let workflow: Workflow;
  let entries: TimelineEntry[];
  let pages: number;

  /** Every entry, five at a time, following the next links. */
  async function readTimeline(id: string): Promise<TimelineEntry[]> {
    const read: TimelineEntry[] = [];
    pages = 0;
    let path: string | null = `/workflows/${id}/events?limit=5`;
    while (path) {
      const page: { status: number; body: { entries: TimelineEntry[]; next: string | null } } = await api(platform, path);
      expect(page.status).toBe(200);
      read.push(...page.body.entries);
      pages++;
      path = page.body.next;
    }
    return read;
  }

  beforeAll(async () => {
    platform = await startTestPlatform();
    // Trades requests: the first id, page 1, then a 500 (retried), page 2, then a 400 the step cannot get past.
    platform.sim!.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 500, afterRequests: 2, count: 1 });
    platform.sim!.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 400, body: { code: -1100, msg: ILLEGAL }, afterRequests: 4, count: 1 });
    const { body } = await api(platform, '/workflows', { json: { symbols: ['BTCUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' } });
    workflow = await waitForWorkflow(platform, body.id, ended);
    // Read once every step the orchestrator stopped has answered, so the timeline is complete.
    await until(
      'the stopped steps to report how they ended',
      async () => {
        entries = await readTimeline(workflow.id);
        const stopped = entries.filter((e) => e.kind === 'stop_sent');
        return stopped.every((stop) => entries.some((e) => e.source === 'function' && e.seq > stop.seq && e.queue_id === stop.queue_id && e.target === stop.target));
      },
      20_000,
    );
  });
  afterAll(async () => platform?.stop());

  const failing = () => workflow.steps.find((s) => s.status === 'failed')!;
  const ofFailing = (e: TimelineEntry) => e.queue_id === failing().queue_id && e.target === failing().target;

  it('failed in the trades loader with the exchange’s reason, after writing records', () => {
    expect(workflow.status).toBe('failed');
    expect(failing()).toMatchObject({ target: 'loader-producer', symbol: 'BTCUSDT', status: 'failed' });
    expect(failing().type).toEqual({ source: 'api', kind: 'trades' });
    expect(failing().records_written).toBeGreaterThan(0);
    expect(workflow.reason).toMatch(/^loader-producer BTCUSDT api_trades: Binance error -1100 from http:\/\/127\.0\.0\.1:\d+\/api\/v3\/aggTrades.*Illegal characters found/);
  });

  it('keeps every entry once, numbered from 1, across pages of 5', () => {
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: entries.length }, (_, i) => i + 1));
    expect(pages).toBe(Math.ceil(entries.length / 5) || 1);
    const reports = entries.filter((e) => e.source === 'function').map((e) => JSON.stringify({ ...e, seq: 0 }));
    expect(new Set(reports).size).toBe(reports.length);
    expect(entries[0]).toMatchObject({ kind: 'workflow_created', message: '4 steps: BTCUSDT × api_candles_5m, api_trades over 2024-08-01:2024-08-02' });
    const dispatched = entries.filter((e) => e.kind === 'dispatched').map((e) => `${e.type} ${e.target}`);
    expect(dispatched.sort()).toEqual(workflow.steps.map((s) => `${formatDataType(s.type)} ${s.target}`).sort());
  });

  it('finds the failing step: its retry, its error with the reason, and the records it had written, as it reported them', () => {
    const step = entries.filter(ofFailing);
    expect(step.map((e) => e.kind)).toContain('started');
    const retry = step.find((e) => e.kind === 'retrying')!;
    expect(retry).toMatchObject({ source: 'function', attempt: 1, message: expect.stringMatching(/^HTTP 500 from http:\/\/127\.0\.0\.1:\d+\/api\/v3\/aggTrades/) });
    const errors = step.filter((e) => e.kind === 'error');
    expect(errors).toHaveLength(1);
    const error = errors[0]!;
    expect(error).toMatchObject({ source: 'function', symbol: 'BTCUSDT', type: 'api_trades', message: expect.stringContaining(`Binance error -1100`) });
    expect(error.message).toContain(ILLEGAL);
    expect(error.records_written).toBe(failing().records_written);
    expect(error.records_written).toBeGreaterThan(0);
    // The count is the one the step had reported before it failed.
    const lastProgress = step.filter((e) => e.kind === 'loading' && e.seq < error.seq).at(-1)!;
    expect(lastProgress.records_written).toBe(error.records_written);
    expect(lastProgress.message).toBe(`Loaded ${error.records_written} records`);
    expect(retry.seq).toBeLessThan(error.seq);
    // What the orchestrator decided then: stop the trades persister, fail the workflow with the step's reason.
    const after = entries.filter((e) => e.seq > error.seq && e.source === 'orchestrator');
    expect(after.at(-1)).toMatchObject({ kind: 'workflow_failed', message: workflow.reason });
    expect(after.some((e) => e.kind === 'stop_sent' && e.target === 'arango-connector' && e.type === 'api_trades')).toBe(true);
  });

  it('`streamforge events` prints the failing step, its reason, its retry and its records, and a line per step', async () => {
    const error = entries.find((e) => ofFailing(e) && e.kind === 'error')!;
    const records = error.records_written!.toLocaleString('en-US');
    const { code, stdout, stderr } = await streamforge(['events', workflow.id, '--url', platform.url]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Workflow ${workflow.id}: failed (${workflow.reason})`);
    expect(lines[1]).toMatch(new RegExp(`^Created \\d{4}-\\d\\d-\\d\\d [\\d:.]+ UTC, ended after [\\d.]+s; ${entries.length} entries`));
    const failed = lines.filter((l) => /\bFAILED: Binance error -1100/.test(l) && l.includes('loader-producer'));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(
      new RegExp(`^  \\+0:00:\\d\\d\\.\\d{3}  \\d\\d:\\d\\d:\\d\\d\\.\\d{3}  BTCUSDT api_trades loader-producer +${records}  FAILED: Binance error -1100 .*Illegal characters`),
    );
    expect(lines.some((l) => /BTCUSDT api_trades loader-producer .*retrying: attempt 1 failed: HTTP 500 from /.test(l))).toBe(true);
    expect(lines.some((l) => /^ {2}\+[\d:.]+ {2}[\d:.]+ {2}workflow +FAILED: loader-producer BTCUSDT api_trades: Binance error -1100/.test(l))).toBe(true);
    const summary = lines.slice(lines.indexOf('Steps'));
    expect(summary.find((l) => l.includes('BTCUSDT api_trades loader-producer'))).toMatch(
      new RegExp(`^  BTCUSDT api_trades loader-producer +failed +${records} +1 +[\\d.]+s  Binance error -1100 .*Illegal characters`),
    );
    expect(summary.filter((l) => /^ {2}BTCUSDT /.test(l))).toHaveLength(4);
  });

  it('`streamforge events --json` gives every entry the route gives, and the per-step summary', async () => {
    const { code, stdout } = await streamforge(['events', workflow.id, '--url', platform.url, '--json']);
    expect(code).toBe(0);
    const printed = JSON.parse(stdout) as { workflow: { id: string; status: string; reason: string }; entries: TimelineEntry[]; steps: Record<string, unknown>[] };
    expect(printed.workflow).toMatchObject({ id: workflow.id, status: 'failed', reason: workflow.reason });
    expect(printed.entries).toEqual(entries);
    expect(printed.steps.find((s) => s.status === 'failed')).toEqual({
      step: 'BTCUSDT api_trades loader-producer',
      status: 'failed',
      records_written: failing().records_written,
      retries: 1,
      duration_ms: Date.parse(failing().ended_at!) - Date.parse(failing().started_at!),
      reason: failing().message,
    });
  });

  it('says which workflow it does not know, and how it was called wrong', async () => {
    const unknown = await streamforge(['events', 'wf-20240801-000000', '--url', platform.url]);
    expect(unknown).toMatchObject({ code: 1, stdout: '', stderr: 'streamforge events: no workflow wf-20240801-000000\n' });
    const missing = await streamforge(['events']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('streamforge: events takes one workflow id: streamforge events <id> [--url URL] [--json] [--all]');
    const nobody = await streamforge(['events', workflow.id, '--url', 'http://127.0.0.1:1']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr.split('\n')[0]).toBe('streamforge: --url: no orchestrator answers at http://127.0.0.1:1');
  });
});
