// A step's reports on queue-events, in order: started, loading (at least every heartbeat while the step
// works, so the orchestrator can tell a silent function from a busy one), retrying, and how it ended.
import type { Logger } from 'pino';
import type { ControlCommand } from '../contracts/control.ts';
import { type QueueEvent, type StepReport, eventsTopic } from '../contracts/events.ts';
import type { StepOutcome } from '../contracts/pipeline.ts';
import type { Bus } from '../ports/bus.ts';
import { withRetry } from '../retry.ts';
import { publish } from './publish.ts';

/** Progress must reach the orchestrator even across a short broker outage. */
const EVENT_RETRY = { retries: 12, minDelayMs: 250, maxDelayMs: 5_000 };

export const DEFAULT_HEARTBEAT_MS = 5_000;

interface Report {
  readonly status: StepReport;
  readonly message: string;
  readonly records: number;
  readonly retry?: { readonly attempt: number; readonly at: number };
}

export class StepReporter {
  private readonly bus: Bus;
  private readonly command: ControlCommand;
  private readonly logger: Logger;
  private chain: Promise<void> = Promise.resolve();
  private last: Report | undefined;
  private lastSentAt = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  records = 0;

  private readonly where: { pod?: string; job?: string };

  /** `where` names the pod and Job this runs in, when in a cluster. */
  constructor(bus: Bus, command: ControlCommand, logger: Logger, where: { pod?: string | undefined; job?: string | undefined } = {}) {
    this.bus = bus;
    this.command = command;
    this.logger = logger;
    this.where = { ...(where.pod ? { pod: where.pod } : {}), ...(where.job ? { job: where.job } : {}) };
  }

  /** Queues a report behind the ones before it; resolves once it is on the bus. */
  send(status: StepReport, message: string, retry?: Report['retry'], result?: StepOutcome): Promise<void> {
    const finished = status === 'finished' || status === 'error' || status === 'cancelled';
    if (finished || status === 'interrupted') this.stopHeartbeat();
    const report: Report = { status, message, records: this.records, ...(retry ? { retry } : {}) };
    this.last = report;
    this.lastSentAt = Date.now();
    const event: QueueEvent = {
      queue_id: this.command.queue_id,
      producer: this.command.telemetry_id,
      symbol: this.command.symbol,
      type: this.command.type,
      status,
      message,
      records_written: this.records,
      finished,
      timestamp: Date.now() / 1000,
      ...(retry ? { attempt: retry.attempt, retry_at: retry.at / 1000 } : {}),
      ...this.where,
      ...(result ? { result } : {}),
    };
    const sent = this.chain.then(() => withRetry(() => publish(this.bus, eventsTopic, [event]), EVENT_RETRY));
    this.chain = sent.catch((error) => this.logger.error({ err: error, status }, 'could not report on queue-events'));
    return sent;
  }

  /** While the step works, repeat its latest report whenever nothing was said for `everyMs`. */
  startHeartbeat(everyMs: number): void {
    this.heartbeat = setInterval(() => {
      const last = this.last;
      if (!last || Date.now() - this.lastSentAt < everyMs * 0.9) return;
      void this.send(last.status === 'started' ? 'loading' : last.status, last.message, last.retry).catch(() => undefined);
    }, everyMs);
    this.heartbeat.unref();
  }

  stopHeartbeat(): void {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
