// Workflow timelines in the store (collection `workflow_timeline`): one document per entry, numbered per
// workflow from 1 in the order the orchestrator took them. A function's report is keyed by what it says,
// so a queue-events record delivered twice (redelivered after a crash, a CloudEvent sent again) is kept
// once; its topic offset would not do, since the embedded bus starts its offsets again after a restart.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { type QueueEvent, queueEventSchema } from '../../shared/contracts/events.ts';
import { targetOfProducer } from '../../shared/contracts/names.ts';
import { type OrchestratorDecision, type TimelineEntry, timelineEntrySchema } from '../../shared/contracts/timeline.ts';
import { formatDate } from '../../shared/contracts/time-range.ts';
import type { Step, Workflow } from '../../shared/contracts/workflow.ts';
import type { Store } from '../../shared/ports/store.ts';

const TIMELINE = 'workflow_timeline';
/** Workflows whose next number is kept in memory; any other looks its last one up in the store. */
const REMEMBERED = 1000;

export type NewEntry = Omit<TimelineEntry, 'seq'>;
type StoredEntry = TimelineEntry & { readonly _key: string; readonly workflow_id: string };

export interface TimelinePage {
  readonly entries: TimelineEntry[];
  /** More entries exist after this page. */
  readonly more: boolean;
}

const isoSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();
const digest = (...parts: string[]) => createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 40);

/** A function's report, as it sent it. */
export function reportEntry(event: QueueEvent): NewEntry {
  return {
    time: isoSeconds(event.timestamp),
    source: 'function',
    kind: event.status,
    queue_id: event.queue_id,
    target: targetOfProducer(event.producer),
    symbol: event.symbol,
    type: formatDataType(event.type),
    message: event.message,
    records_written: event.records_written,
    ...(event.attempt ? { attempt: event.attempt } : {}),
    ...(event.retry_at ? { retry_at: isoSeconds(event.retry_at) } : {}),
    ...(event.pod ? { pod: event.pod } : {}),
    ...(event.job ? { job: event.job } : {}),
  };
}

/** A decision of the orchestrator, about one step (with what it had written by then) or the whole workflow. */
export function decisionEntry(kind: OrchestratorDecision, message: string, step?: Step): NewEntry {
  const about = step && {
    queue_id: step.queue_id,
    target: step.target,
    symbol: step.symbol,
    type: formatDataType(step.type),
    records_written: step.records_written,
    ...(step.pod ? { pod: step.pod } : {}),
    ...(step.job ? { job: step.job } : {}),
  };
  return { time: new Date().toISOString(), source: 'orchestrator', kind, ...about, message };
}

/** "4 steps: BTCUSDT × api_candles_5m, api_trades over 2024-08-01:2024-08-02" */
export function describeRequest(workflow: Workflow): string {
  const { symbols, types, time_range, pipeline } = workflow.request;
  const stages = pipeline?.length ? ` (then ${pipeline.join(', ')})` : '';
  return `${workflow.steps.length} steps: ${symbols.join(', ')} × ${types.map(formatDataType).join(', ')} over ${formatDate(time_range.from)}:${formatDate(time_range.to)}${stages}`;
}

export class Timeline {
  private readonly store: Store;
  private readonly next = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(store: Store) {
    this.store = store;
  }

  /**
   * Appends an entry after the workflow's last one. With an `identity`, an entry is kept once however
   * often it is appended. Resolves to whether it was new.
   */
  append(workflowId: string, entry: NewEntry, identity?: string): Promise<boolean> {
    const work = async () => {
      const seq = await this.nextSeq(workflowId);
      const key = digest(workflowId, identity ?? `seq ${seq}`);
      const fresh = await this.store.insert<StoredEntry>(TIMELINE, { _key: key, workflow_id: workflowId, seq, ...entry });
      if (fresh) this.remember(workflowId, seq + 1);
      return fresh;
    };
    // Numbers are handed out one append at a time.
    const appended = this.chain.then(work, work);
    this.chain = appended.catch(() => undefined);
    return appended;
  }

  /** A function's report: the same queue-events record, delivered again, is not kept twice. */
  appendReport(workflowId: string, event: QueueEvent): Promise<boolean> {
    return this.append(workflowId, reportEntry(event), `report ${JSON.stringify(z.encode(queueEventSchema, event))}`);
  }

  /** Up to `limit` entries after entry number `after` (0: from the start), in order. */
  async page(workflowId: string, after: number, limit: number): Promise<TimelinePage> {
    const found = await this.store.query<StoredEntry>(TIMELINE, { field: 'seq', from: after + 1, where: { workflow_id: workflowId }, order: 'asc', limit: limit + 1 });
    return { entries: found.slice(0, limit).map((stored) => timelineEntrySchema.parse(stored)), more: found.length > limit };
  }

  private async nextSeq(workflowId: string): Promise<number> {
    const known = this.next.get(workflowId);
    if (known !== undefined) return known;
    const [last] = await this.store.query<StoredEntry>(TIMELINE, { field: 'seq', where: { workflow_id: workflowId }, order: 'desc', limit: 1 });
    return (last?.seq ?? 0) + 1;
  }

  private remember(workflowId: string, next: number): void {
    this.next.delete(workflowId);
    this.next.set(workflowId, next);
    if (this.next.size > REMEMBERED) this.next.delete(this.next.keys().next().value!);
  }
}
