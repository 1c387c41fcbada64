// Workflow engine: keeps workflow state in the store, emits commands, follows queue-events, recovers after a restart.
import type { Logger } from 'pino';
import { controlTopicFor } from '../../shared/contracts/control.ts';
import { EVENTS_TOPIC, queueEventSchema, type QueueEvent } from '../../shared/contracts/events.ts';
import { newSuffix, targetOfProducer } from '../../shared/contracts/naming.ts';
import type { WorkflowRequest } from '../../shared/contracts/workflow.ts';
import { parseRecord } from '../../shared/contracts/parse.ts';
import { errorMessage } from '../../shared/errors.ts';
import { deadLetter } from '../../shared/harness/dead-letter.ts';
import type { Bus } from '../../shared/ports/bus.ts';
import type { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { readForever, type Reader } from '../../shared/harness/consume.ts';
import type { Store } from '../../shared/ports/store.ts';
import { commandFor, isTerminal, planWorkflow, readySteps, type Step, type Workflow, type WorkflowStatus } from './plan.ts';

export const WORKFLOWS = 'workflows';
const QUEUES = 'workflow_queues';
export const ORCHESTRATOR_GROUP = 'queue-manager-group';

export type WorkflowChange = { readonly workflow: Workflow; readonly event?: QueueEvent };

export interface EngineOptions {
  readonly bus: Bus;
  readonly instrumentation: Instrumentation;
  readonly store: Store;
  readonly logger: Logger;
  /** Container image announced in commands for a target. */
  readonly image: (target: string) => string;
}

type StoredWorkflow = Workflow & { created_ms: number };

export class WorkflowEngine {
  private readonly options: EngineOptions;
  private readonly listeners = new Set<(change: WorkflowChange) => void>();
  private chain: Promise<unknown> = Promise.resolve();
  private reader: Reader | undefined;

  constructor(options: EngineOptions) {
    this.options = options;
  }

  onChange(listener: (change: WorkflowChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(request: WorkflowRequest): Promise<Workflow> {
    return this.serial(async () => {
      const suffix = newSuffix();
      const workflow = planWorkflow(`wf-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${suffix}`, suffix, request, new Date());
      await this.options.store.upsert(QUEUES, [...new Set(workflow.steps.map((s) => s.queue_id))].map((q) => ({ _key: q, workflow_id: workflow.id })));
      await this.save(workflow);
      await this.advance(workflow);
      return workflow;
    });
  }

  async get(id: string): Promise<Workflow | undefined> {
    const stored = await this.options.store.get<StoredWorkflow>(WORKFLOWS, id);
    return stored && withoutStorageFields(stored);
  }

  async list(filter: { status?: WorkflowStatus; limit?: number } = {}): Promise<Workflow[]> {
    const where = filter.status ? { status: filter.status } : undefined;
    const found = await this.options.store.query<StoredWorkflow>(WORKFLOWS, { field: 'created_ms', order: 'desc', limit: filter.limit ?? 100, ...(where ? { where } : {}) });
    return found.map(withoutStorageFields);
  }

  async cancel(id: string): Promise<Workflow | undefined> {
    return this.serial(async () => {
      const workflow = await this.get(id);
      if (!workflow || isTerminal(workflow.status)) return workflow;
      await this.stopSteps(workflow, 'cancelled');
      this.finish(workflow, 'cancelled', 'cancelled by request');
      await this.save(workflow);
      return workflow;
    });
  }

  /** Follow queue-events; then resume any workflow a previous run left unfinished. */
  async start(): Promise<void> {
    const { bus, logger } = this.options;
    await bus.ensureTopic(EVENTS_TOPIC);
    this.reader = readForever(
      bus,
      { group: ORCHESTRATOR_GROUP, topics: [EVENTS_TOPIC] },
      async (batch) => {
        for (const record of batch.records) {
          const parsed = parseRecord(queueEventSchema, record.value);
          if (parsed.ok) await this.serial(() => this.apply(parsed.value));
          else await deadLetter(this.options, 'orchestrator', record, `malformed event: ${parsed.reason}`);
        }
        await batch.commit();
      },
      logger,
    );
    await this.serial(() => this.recover());
  }

  async stop(): Promise<void> {
    await this.reader?.stop();
    await this.chain.catch(() => undefined);
  }

  /**
   * On a durable bus the commands already sent are still there and their functions still report on
   * queue-events, so running steps are left to finish and only steps never started are started. On a
   * bus that lost its records with the process, loader and persister of every unfinished queue run
   * again together; the upserts make the re-run safe.
   */
  private async recover(): Promise<void> {
    const rerun = !this.options.bus.durable;
    for (const status of ['pending', 'running'] as const) {
      for (const workflow of await this.list({ status, limit: 10_000 })) {
        const unfinished = new Set(workflow.steps.filter((s) => s.status !== 'succeeded').map((s) => s.queue_id));
        if (rerun) {
          for (const step of workflow.steps) if (unfinished.has(step.queue_id)) Object.assign(step, { status: 'pending', message: 'resuming after restart' });
        }
        this.options.logger.info({ workflow: workflow.id, queues: unfinished.size, rerun }, 'resuming unfinished workflow');
        await this.advance(workflow);
      }
    }
  }

  private async apply(event: QueueEvent): Promise<void> {
    const link = await this.options.store.get<{ _key: string; workflow_id: string }>(QUEUES, event.queue_id);
    const workflow = link && (await this.get(link.workflow_id));
    if (!workflow) return this.options.logger.warn({ queue_id: event.queue_id }, 'event for an unknown workflow');
    const step = workflow.steps.find((s) => s.id === `${event.queue_id}__${targetOfProducer(event.producer)}`);
    if (!step || isTerminal(workflow.status) || step.status !== 'running') return;
    step.records_written = event.records_written;
    step.message = event.message;
    const outcomes: Partial<Record<QueueEvent['status'], Step['status']>> = { finished: 'succeeded', error: 'failed', cancelled: 'cancelled' };
    const outcome = outcomes[event.status];
    if (outcome) this.endStep(step, outcome);
    if (outcome === 'failed' || outcome === 'cancelled') {
      await this.stopSteps(workflow, 'cancelled');
      this.finish(workflow, 'failed', `${step.target} ${step.symbol} ${step.type}: ${step.message}`);
    }
    await this.advance(workflow, event);
  }

  /** Start ready steps, settle the workflow's status, persist and announce it. */
  private async advance(workflow: Workflow, event?: QueueEvent): Promise<void> {
    if (!isTerminal(workflow.status)) {
      for (const step of readySteps(workflow)) {
        Object.assign(step, { status: 'running', attempts: step.attempts + 1, started_at: new Date().toISOString(), ended_at: null });
        // One symbol per data topic: one partition keeps it in order; created before any reader subscribes.
        await this.options.bus.ensureTopic(step.kafka_topic, { partitions: 1 });
        await this.send(step, workflow, 'start');
      }
      if (workflow.steps.every((s) => s.status === 'succeeded')) this.finish(workflow, 'succeeded', null);
      else if (workflow.status === 'pending') workflow.status = 'running';
    }
    await this.save(workflow, event);
  }

  private async stopSteps(workflow: Workflow, as: 'cancelled'): Promise<void> {
    for (const step of workflow.steps) {
      if (step.status === 'running') await this.send(step, workflow, 'stop');
      if (step.status === 'running' || step.status === 'pending') this.endStep(step, as);
    }
  }

  private endStep(step: Step, status: Step['status']): void {
    step.status = status;
    step.ended_at = new Date().toISOString();
  }

  private finish(workflow: Workflow, status: WorkflowStatus, reason: string | null): void {
    workflow.status = status;
    workflow.reason = reason;
  }

  private async send(step: Step, workflow: Workflow, command: 'start' | 'stop'): Promise<void> {
    const topic = controlTopicFor(step.target);
    const value = JSON.stringify(commandFor(step, workflow, command, this.options.image));
    await this.options.bus.publish(topic, [{ key: step.queue_id, value }]);
  }

  private async save(workflow: Workflow, event?: QueueEvent): Promise<void> {
    workflow.updated_at = new Date().toISOString();
    await this.options.store.upsert(WORKFLOWS, [{ ...workflow, created_ms: Date.parse(workflow.created_at) }]);
    for (const listener of this.listeners) listener({ workflow, ...(event ? { event } : {}) });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch((error) => this.options.logger.error({ err: errorMessage(error) }, 'workflow update failed'));
    return next;
  }
}

function withoutStorageFields(stored: StoredWorkflow): Workflow {
  const { created_ms: _created, ...workflow } = stored;
  return workflow;
}
