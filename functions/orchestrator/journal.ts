// What the engine tells about a workflow: every report its functions sent and every decision it took
// goes on the workflow's timeline and into a log line naming the workflow and, for a step, its queue and
// function (`workflow_id`, `queue_id`, `step`, with `fn: orchestrator`).
import type { Logger } from 'pino';
import type { QueueEvent } from '../../shared/contracts/events.ts';
import { targetOfProducer } from '../../shared/contracts/names.ts';
import type { OrchestratorDecision } from '../../shared/contracts/timeline.ts';
import type { Step } from '../../shared/contracts/workflow.ts';
import type { Store } from '../../shared/ports/store.ts';
import { Timeline, type TimelinePage, decisionEntry } from './timeline.ts';

/** Progress and heartbeats are logged only at debug; a retry or a failure is a warning. */
const REPORT_LEVELS = { started: 'info', loading: 'debug', retrying: 'warn', interrupted: 'info', finished: 'info', error: 'warn', cancelled: 'info' } as const;
const WARNING_DECISIONS = new Set<OrchestratorDecision>(['timed_out', 'pod_failed', 'workflow_failed']);

export class WorkflowJournal {
  /** The orchestrator's logger: every line carries `fn`. */
  readonly log: Logger;
  private readonly timeline: Timeline;

  constructor(store: Store, logger: Logger) {
    this.timeline = new Timeline(store);
    this.log = logger.child({ fn: 'orchestrator' });
  }

  /** A function's report: kept once however often it is delivered, even when it changes nothing. */
  async report(workflowId: string, event: QueueEvent): Promise<void> {
    await this.timeline.appendReport(workflowId, event);
    const target = targetOfProducer(event.producer);
    this.stepLog(workflowId, { queue_id: event.queue_id, target })[REPORT_LEVELS[event.status]](
      { report: event.status, records_written: event.records_written, attempt: event.attempt, pod: event.pod },
      `${target} ${event.status}: ${event.message}`,
    );
  }

  /** A decision no function reports, about a step (with what it had written by then) or the whole workflow. */
  async decide(workflowId: string, kind: OrchestratorDecision, message: string, step?: Step, pod?: string): Promise<void> {
    const entry = decisionEntry(kind, message, step);
    await this.timeline.append(workflowId, pod ? { ...entry, pod } : entry);
    const log = step ? this.stepLog(workflowId, step) : this.workflowLog(workflowId);
    log[WARNING_DECISIONS.has(kind) ? 'warn' : 'info'](
      { decision: kind, records_written: entry.records_written, pod: pod ?? entry.pod, job: entry.job },
      `${kind.replace('_', ' ')}: ${message}`,
    );
  }

  page(workflowId: string, after: number, limit: number): Promise<TimelinePage> {
    return this.timeline.page(workflowId, after, limit);
  }

  workflowLog(workflowId: string): Logger {
    return this.log.child({ workflow_id: workflowId });
  }

  stepLog(workflowId: string, step: { readonly queue_id: string; readonly target: string }): Logger {
    return this.log.child({ workflow_id: workflowId, queue_id: step.queue_id, step: step.target });
  }
}
