// The orchestrator's log lines name what they are about: every line `fn: orchestrator`, every line about
// a workflow its `workflow_id`, every line about a step also its `queue_id` and `step` (the function).
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startEngine } from '../../test/orchestrator.ts';
import type { QueueEvent } from '../../shared/contracts/events.ts';
import { type Step, workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { until } from '../../test/helpers.ts';

interface Line {
  level: number;
  msg: string;
  fn?: string;
  workflow_id?: string;
  queue_id?: string;
  step?: string;
  decision?: string;
  report?: string;
  records_written?: number;
}

function capture() {
  const lines: Line[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  return { lines, logger: pino({ level: 'debug' }, sink) };
}

const report = (step: Step, status: QueueEvent['status'], records: number, message: string): QueueEvent => ({
  queue_id: step.queue_id,
  producer: step.telemetry_id,
  symbol: step.symbol,
  type: step.type,
  status,
  message,
  records_written: records,
  finished: false,
  timestamp: Date.now() / 1000 + records / 1e6,
});

describe('orchestrator logs', () => {
  it('binds fn, workflow_id, queue_id and step on every line about a workflow and its steps', async () => {
    const { lines, logger } = capture();
    const { engine } = await startEngine({ logger, eventsFrom: 'cloudevents', startTimeoutMs: 60_000, silenceTimeoutMs: 60_000 });
    const workflow = await engine.create(workflowRequestSchema.parse({ symbols: ['BTCUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' }));
    const trades = workflow.steps.find((s) => s.target === 'loader-producer' && s.type.kind === 'trades')!;
    await engine.receive('1', report(trades, 'started', 0, 'started'));
    await engine.receive('2', report(trades, 'loading', 1000, 'Loaded 1000 records'));
    await engine.receive('3', { ...report(trades, 'retrying', 1000, 'HTTP 500'), attempt: 1 });
    await engine.receive('4', { ...report(trades, 'error', 2000, 'Binance error -1100'), finished: true });
    await engine.receive('5', { ...report(trades, 'loading', 5, 'for no workflow'), queue_id: 'wf-nobody-api_trades-20240801-000000' });
    await until('the workflow to fail', async () => (await engine.get(workflow.id))!.status === 'failed');
    await engine.stop();

    expect(lines.length).toBeGreaterThan(10);
    expect(lines.filter((l) => l.fn !== 'orchestrator')).toEqual([]);
    const about = (id: string) => lines.filter((l) => l.workflow_id === id);
    expect(about(workflow.id).length).toBe(lines.length - 1);
    // The one line about no known workflow names the queue and step it came for.
    expect(lines.filter((l) => l.workflow_id === undefined)).toEqual([
      expect.objectContaining({ msg: 'event for an unknown workflow', queue_id: 'wf-nobody-api_trades-20240801-000000', step: 'loader-producer', level: 40 }),
    ]);
    const stepLines = lines.filter((l) => l.queue_id && l.workflow_id);
    expect(stepLines.every((l) => workflow.steps.some((s) => s.queue_id === l.queue_id && s.target === l.step))).toBe(true);
    const decisions = about(workflow.id).filter((l) => l.decision);
    expect(decisions.map((l) => [l.decision, l.step ?? null])).toEqual([
      ['workflow_created', null],
      ...workflow.steps.map((s) => ['dispatched', s.target]),
      ...workflow.steps.filter((s) => s !== trades).map((s) => ['stop_sent', s.target]),
      ['workflow_failed', null],
    ]);
    const reports = about(workflow.id).filter((l) => l.report);
    expect(reports.map((l) => [l.report, l.level, l.queue_id, l.step, l.records_written])).toEqual([
      ['started', 30, trades.queue_id, 'loader-producer', 0],
      ['loading', 20, trades.queue_id, 'loader-producer', 1000],
      ['retrying', 40, trades.queue_id, 'loader-producer', 1000],
      ['error', 40, trades.queue_id, 'loader-producer', 2000],
    ]);
    expect(decisions.at(-1)).toMatchObject({ level: 40, msg: 'workflow failed: loader-producer BTCUSDT api_trades: Binance error -1100' });
  });
});
