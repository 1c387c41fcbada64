// Workflow engine: keeps workflow state in the store, emits commands, follows queue-events, fails steps
// whose function went silent, deletes the data topics of ended workflows, recovers after a restart.
// Every report and every decision goes on the workflow's timeline; its log lines name the workflow and step.
import type { Logger } from 'pino';
import { WORKFLOW_ID_HEADER, controlTopicFor } from '../../shared/contracts/control.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { type QueueEvent, eventsTopic } from '../../shared/contracts/events.ts';
import { GROUPS, newSuffix, targetOfProducer } from '../../shared/contracts/names.ts';
import { type Step, type Workflow, type WorkflowRequest, type WorkflowStatus, isTerminal } from '../../shared/contracts/workflow.ts';
import { errorMessage } from '../../shared/errors.ts';
import { type Reader, consumeForever } from '../../shared/harness/consume.ts';
import type { FailureCause, Instrumentation, StepStatus, WorkflowStatus as EndedStatus } from '../../shared/harness/instrumentation.ts';
import { publish } from '../../shared/harness/publish.ts';
import type { Bus } from '../../shared/ports/bus.ts';
import type { Store } from '../../shared/ports/store.ts';
import { createHash } from 'node:crypto';
import type { Launcher, PodReport } from './launcher.ts';
import { commandFor, planWorkflow, readySteps, usesDataTopic } from './plan.ts';
import { WorkflowRepository } from './repository.ts';
import { WorkflowJournal } from './journal.ts';
import { type TimelinePage, describeRequest } from './timeline.ts';
import { Watchdog, type WatchdogOptions } from './watchdog.ts';

/** What one update did to a workflow: the steps it changed, and whether its status moved. */
export interface WorkflowChange {
  readonly workflow: Workflow;
  readonly steps: readonly Step[];
  readonly statusChanged: boolean;
  readonly created: boolean;
  readonly event?: QueueEvent;
}

export interface EngineOptions extends Partial<WatchdogOptions> {
  readonly bus: Bus;
  readonly instrumentation: Instrumentation;
  readonly store: Store;
  readonly logger: Logger;
  /** Container image announced in commands for a target. */
  readonly image: (target: string) => string;
  /** `consumer` reads queue-events itself; `cloudevents` takes them from POST /events (a Knative KafkaSource). */
  readonly eventsFrom?: 'consumer' | 'cloudevents';
  /** In a cluster: starts steps as Jobs (jobs mode) and reports failing pods. */
  readonly launcher?: Launcher;
}

const RECEIPTS = 'event_receipts';
const RECEIPT_TTL_MS = 86_400_000;

/** A step's end as the step metrics count it. */
const ENDED_STEP_STATUS: Partial<Record<Step['status'], StepStatus>> = { succeeded: 'finished', failed: 'error', cancelled: 'cancelled' };
const REPORT_OUTCOMES: Partial<Record<QueueEvent['status'], Step['status']>> = { finished: 'succeeded', error: 'failed', cancelled: 'cancelled' };

export class WorkflowEngine {
  private readonly options: EngineOptions;
  private readonly repository: WorkflowRepository;
  private readonly journal: WorkflowJournal;
  private readonly listeners = new Set<(change: WorkflowChange) => void>();
  private readonly watchdog: Watchdog;
  private chain: Promise<unknown> = Promise.resolve();
  private reader: Reader | undefined;

  constructor(options: EngineOptions) {
    this.options = options;
    this.repository = new WorkflowRepository(options.store);
    this.journal = new WorkflowJournal(options.store, options.logger);
    const logged = { ...options, logger: this.journal.log };
    this.watchdog = new Watchdog(logged, {
      running: () => this.repository.list({ status: 'running', limit: 10_000 }),
      fail: (workflow, step, reason) => this.serial(() => this.failStep(workflow.id, step.id, reason)),
      topicsDue: (now) => this.repository.topicsDue(now),
      deleteTopics: (workflow) => this.serial(() => this.deleteTopics(workflow.id)),
      forgetReceipts: (before) => this.forgetReceipts(before),
    });
  }

  onChange(listener: (change: WorkflowChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(request: WorkflowRequest): Promise<Workflow> {
    return this.serial(async () => {
      const workflow = planWorkflow(request, newSuffix(), new Date(), this.options.launcher?.mode ?? 'local');
      await this.repository.create(workflow);
      await this.journal.decide(workflow.id, 'workflow_created', describeRequest(workflow));
      await this.advance(workflow, snapshot(workflow), { created: true });
      return workflow;
    });
  }

  get(id: string): Promise<Workflow | undefined> {
    return this.repository.get(id);
  }

  /** The workflow's timeline: up to `limit` entries after entry number `after` (0: from the start). */
  events(id: string, after: number, limit: number): Promise<TimelinePage> {
    return this.journal.page(id, after, limit);
  }

  list(filter: { status?: WorkflowStatus; limit?: number } = {}): Promise<Workflow[]> {
    return this.repository.list(filter);
  }

  async cancel(id: string): Promise<Workflow | undefined> {
    return this.serial(async () => {
      const workflow = await this.get(id);
      if (!workflow || isTerminal(workflow.status)) return workflow;
      const before = snapshot(workflow);
      await this.stopSteps(workflow);
      this.finish(workflow, 'cancelled', 'cancelled by request');
      await this.save(workflow, before);
      return workflow;
    });
  }

  /** Follow queue-events; resume any workflow a previous run left unfinished; watch for silent steps. */
  async start(): Promise<void> {
    const { bus } = this.options;
    await bus.ensureTopic(eventsTopic.name);
    if (this.options.eventsFrom !== 'cloudevents') {
      this.reader = consumeForever({ ...this.options, logger: this.journal.log }, { fn: 'orchestrator', group: GROUPS.orchestrator, topic: eventsTopic }, async (batch) => {
        for (const { value } of batch.messages) await this.serial(() => this.apply(value));
        await batch.commit();
      });
    }
    await this.serial(() => this.recover());
    this.options.launcher?.watch((pod) => void this.serial(() => this.onPod(pod)));
    this.watchdog.start();
  }

  /**
   * A queue event delivered as a CloudEvent: applied once per `key` (its source and id), however often it
   * is delivered; resolves only once applied, so the sender may take 2xx as done.
   */
  receive(key: string, event: QueueEvent): Promise<'applied' | 'duplicate'> {
    const receipt = createHash('sha256').update(key).digest('hex');
    return this.serial(async () => {
      if (await this.options.store.get(RECEIPTS, receipt)) return 'duplicate';
      await this.apply(event);
      await this.options.store.upsert(RECEIPTS, [{ _key: receipt, received_ms: Date.now() }]);
      return 'applied';
    });
  }

  private async forgetReceipts(before: number): Promise<void> {
    const old = await this.options.store.query(RECEIPTS, { field: 'received_ms', to: before - RECEIPT_TTL_MS, limit: 1000 });
    for (const receipt of old) await this.options.store.remove(RECEIPTS, receipt._key);
  }

  async stop(): Promise<void> {
    this.watchdog.stop();
    this.options.launcher?.close();
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
        const before = snapshot(workflow);
        const unfinished = new Set(workflow.steps.filter((s) => s.status !== 'succeeded').map((s) => s.queue_id));
        if (rerun) {
          for (const step of workflow.steps) if (unfinished.has(step.queue_id)) Object.assign(step, { status: 'pending', message: 'resuming after restart', retry: null });
        }
        const how = rerun ? 're-run from the start (the bus lost its records with the process)' : 'followed where they are';
        await this.journal.decide(workflow.id, 'workflow_resumed', `resuming after a restart: ${unfinished.size} unfinished queue(s) ${how}`);
        await this.advance(workflow, before);
      }
    }
  }

  private async apply(event: QueueEvent): Promise<void> {
    const target = targetOfProducer(event.producer);
    const workflow = await this.repository.byQueue(event.queue_id);
    if (!workflow) return void this.journal.log.warn({ queue_id: event.queue_id, step: target }, 'event for an unknown workflow');
    await this.journal.report(workflow.id, event);
    const step = workflow.steps.find((s) => s.id === `${event.queue_id}__${target}`);
    if (!step || isTerminal(workflow.status) || step.status !== 'running') return;
    const before = snapshot(workflow);
    step.records_written = event.records_written;
    step.heard_at = new Date().toISOString();
    if (event.pod) step.pod = event.pod;
    if (event.job) step.job = event.job;
    if (event.status === 'retrying') {
      const nextAt = event.retry_at ? new Date(event.retry_at * 1000).toISOString() : null;
      step.retry = { attempt: event.attempt ?? (step.retry?.attempt ?? 0) + 1, error: event.message, next_at: nextAt };
      step.message = `attempt ${step.retry.attempt} failed: ${event.message}${nextAt ? `; next attempt at ${nextAt}` : ''}`;
    } else {
      step.message = event.message;
      if (step.retry?.next_at) step.retry = { ...step.retry, next_at: null };
    }
    if (event.result) step.result = event.result;
    const outcome = REPORT_OUTCOMES[event.status];
    if (outcome) this.endStep(step, outcome);
    if (outcome === 'failed') this.failed(workflow, step, 'error');
    if (outcome === 'failed' || outcome === 'cancelled') {
      await this.stopSteps(workflow);
      this.finish(workflow, 'failed', `${step.target} ${step.symbol} ${formatType(step)}: ${step.message}`);
    }
    await this.advance(workflow, before, { event });
  }

  /** A function's pod changed: note which pod runs a step, and fail the steps of a pod that failed. */
  private async onPod(pod: PodReport): Promise<void> {
    for (const workflow of await this.list({ status: 'running', limit: 10_000 })) {
      const before = snapshot(workflow);
      const mine = workflow.steps.filter((s) => s.status === 'running' && ((pod.job && s.job === pod.job) || s.pod === pod.name));
      // A pod that can never start (its image, its configuration), or that failed before it said which
      // step it took, fails the steps of its function still waiting for a pod: the next would fail alike.
      const unplaced = pod.cannotStart || mine.length === 0;
      const waiting =
        pod.failure && unplaced && pod.target ? workflow.steps.filter((s) => s.status === 'running' && s.target === pod.target && !s.heard_at && !mine.includes(s)) : [];
      const placed = mine.filter((s) => s.pod !== pod.name);
      for (const step of placed) {
        step.pod = pod.name;
        await this.journal.decide(workflow.id, 'placed', `running in pod ${pod.name}`, step);
      }
      const failed = pod.failure ? [...mine, ...waiting] : [];
      if (failed.length === 0) {
        if (placed.length) await this.save(workflow, before);
        continue;
      }
      const first = failed[0]!;
      const reason = `pod ${pod.name} failed: ${pod.failure}`;
      for (const step of failed) {
        step.message = reason;
        await this.journal.decide(workflow.id, 'pod_failed', reason, step, pod.name);
        this.endStep(step, 'failed');
        this.failed(workflow, step, 'pod_failed');
      }
      await this.stopSteps(workflow);
      this.finish(workflow, 'failed', `${first.target} ${first.symbol} ${formatType(first)}: ${reason}`);
      await this.save(workflow, before);
    }
  }

  private async failStep(workflowId: string, stepId: string, reason: string): Promise<void> {
    const workflow = await this.get(workflowId);
    const step = workflow?.steps.find((s) => s.id === stepId);
    if (!workflow || !step || isTerminal(workflow.status) || step.status !== 'running') return;
    const before = snapshot(workflow);
    await this.journal.decide(workflow.id, 'timed_out', reason, step);
    step.message = reason;
    this.endStep(step, 'failed');
    this.failed(workflow, step, step.heard_at ? 'silent' : 'not_started');
    await this.stopSteps(workflow);
    this.finish(workflow, 'failed', `${step.target} ${step.symbol} ${formatType(step)}: ${reason}`);
    await this.save(workflow, before);
  }

  /**
   * Marked deleted first, so nobody asks for the lag of a topic being deleted (on Kafka that would put it
   * back among the admin client's topics); a deletion that fails is marked undone and tried next tick.
   */
  private async deleteTopics(workflowId: string): Promise<void> {
    const workflow = await this.get(workflowId);
    if (!workflow || workflow.data_topics.deleted) return;
    const before = snapshot(workflow);
    workflow.data_topics = { ...workflow.data_topics, deleted: true };
    await this.save(workflow, before);
    try {
      for (const topic of new Set(workflow.steps.filter(usesDataTopic).map((s) => s.kafka_topic))) await this.options.bus.deleteTopic(topic);
    } catch (error) {
      const marked = snapshot(workflow);
      workflow.data_topics = { ...workflow.data_topics, deleted: false };
      await this.save(workflow, marked);
      throw error;
    }
  }

  /** Start ready steps, settle the workflow's status, persist and announce it. */
  private async advance(workflow: Workflow, before: Snapshot, extra: { event?: QueueEvent; created?: boolean } = {}): Promise<void> {
    if (!isTerminal(workflow.status)) {
      for (const step of readySteps(workflow)) {
        Object.assign(step, { status: 'running', attempts: step.attempts + 1, started_at: new Date().toISOString(), ended_at: null, heard_at: null });
        // One symbol per data topic: one partition keeps it in order; created before any reader subscribes.
        if (usesDataTopic(step)) await this.options.bus.ensureTopic(step.kafka_topic, { partitions: 1 });
        const launcher = this.options.launcher;
        if (launcher?.mode === 'jobs') step.job = await launcher.launch(step, commandFor(step, workflow, 'start', this.options.image), workflow.id);
        else await this.send(step, workflow, 'start');
        const how = step.job && launcher?.mode === 'jobs' ? `Job ${step.job} launched` : `start command sent on ${controlTopicFor(step.target).name}`;
        await this.journal.decide(workflow.id, 'dispatched', step.attempts > 1 ? `${how} (command ${step.attempts})` : how, step);
      }
      if (workflow.steps.every((s) => s.status === 'succeeded')) this.finish(workflow, 'succeeded', null);
      else if (workflow.status === 'pending') workflow.status = 'running';
    }
    await this.save(workflow, before, extra);
  }

  private async stopSteps(workflow: Workflow): Promise<void> {
    const launcher = this.options.launcher;
    for (const step of workflow.steps) {
      if (step.status === 'running') {
        let how = `stop command sent on ${controlTopicFor(step.target).name}`;
        if (launcher?.mode === 'jobs') {
          if (step.job) await launcher.remove(step.job);
          how = step.job ? `Job ${step.job} removed` : 'no Job to remove yet';
        } else await this.send(step, workflow, 'stop');
        await this.journal.decide(workflow.id, 'stop_sent', how, step);
      }
      if (step.status === 'running' || step.status === 'pending') this.endStep(step, 'cancelled');
    }
  }

  private failed(workflow: Workflow, step: Step, cause: FailureCause): void {
    this.options.instrumentation.emit('workflow.step-failed', { workflowId: workflow.id, target: step.target, cause });
  }

  /** What changed since `before`, for the metrics: a workflow accepted or ended, steps ended, with their durations. */
  private measure(workflow: Workflow, before: Snapshot, created: boolean): void {
    const { instrumentation } = this.options;
    const seconds = (from: string | null) => (from ? Math.max(0, (Date.now() - Date.parse(from)) / 1000) : 0);
    if (created) instrumentation.emit('workflow.started', { workflowId: workflow.id });
    for (const step of workflow.steps) {
      const status = ENDED_STEP_STATUS[step.status];
      if (status && before.statuses.get(step.id) !== step.status) {
        instrumentation.emit('workflow.step-ended', { workflowId: workflow.id, target: step.target, status, seconds: seconds(step.started_at) });
      }
    }
    if (before.status !== workflow.status && isTerminal(workflow.status)) {
      instrumentation.emit('workflow.ended', { workflowId: workflow.id, status: workflow.status as EndedStatus, seconds: seconds(workflow.created_at) });
    }
  }

  private endStep(step: Step, status: Step['status']): void {
    step.status = status;
    step.ended_at = new Date().toISOString();
  }

  private finish(workflow: Workflow, status: WorkflowStatus, reason: string | null): void {
    workflow.status = status;
    workflow.reason = reason;
    workflow.data_topics = { delete_after: new Date(Date.now() + this.watchdog.options.dataTopicGraceMs).toISOString(), deleted: false };
  }

  private async send(step: Step, workflow: Workflow, command: 'start' | 'stop'): Promise<void> {
    await publish(this.options.bus, controlTopicFor(step.target), [commandFor(step, workflow, command, this.options.image)], { [WORKFLOW_ID_HEADER]: workflow.id });
  }

  private async save(workflow: Workflow, before: Snapshot, extra: { event?: QueueEvent; created?: boolean } = {}): Promise<void> {
    workflow.updated_at = new Date().toISOString();
    await this.repository.save(workflow);
    this.measure(workflow, before, extra.created ?? false);
    if (before.status !== workflow.status && isTerminal(workflow.status)) {
      const reason = workflow.reason ?? (workflow.status === 'succeeded' ? `all ${workflow.steps.length} steps succeeded` : workflow.status);
      await this.journal.decide(workflow.id, `workflow_${workflow.status}`, reason);
    }
    const steps = workflow.steps.filter((step) => before.steps.get(step.id) !== JSON.stringify(step));
    const change: WorkflowChange = {
      workflow,
      steps,
      statusChanged: before.status !== workflow.status,
      created: extra.created ?? false,
      ...(extra.event ? { event: extra.event } : {}),
    };
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.journal.workflowLog(workflow.id).error({ err: error }, 'a workflow listener failed');
      }
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch((error) => this.journal.log.error({ err: errorMessage(error) }, 'workflow update failed'));
    return next;
  }
}

interface Snapshot {
  readonly status: WorkflowStatus;
  readonly steps: ReadonlyMap<string, string>;
  readonly statuses: ReadonlyMap<string, Step['status']>;
}

function snapshot(workflow: Workflow): Snapshot {
  return { status: workflow.status, steps: new Map(workflow.steps.map((s) => [s.id, JSON.stringify(s)])), statuses: new Map(workflow.steps.map((s) => [s.id, s.status])) };
}

const formatType = (step: Step) => formatDataType(step.type);
