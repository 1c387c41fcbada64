// The metrics catalog: every metric the platform exports is declared here once — name, type, help, unit
// and labels — and fed by the harness's instrumentation events, so every function exports the same
// family. README's catalog table is generated from CATALOG (`npm run manifests`).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Instrumentation, StepOutcome, WorkflowStatus } from './instrumentation.ts';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricSpec {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
  /** Who exports it: every function, live loaders, trainers, the orchestrator… */
  readonly exportedBy: string;
  readonly buckets?: readonly number[];
}

const STEP_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 1800, 7200];
const spec = (name: string, type: MetricType, labels: readonly string[], exportedBy: string, help: string, buckets?: readonly number[]): MetricSpec => ({
  name,
  type,
  labels,
  exportedBy,
  help,
  ...(buckets ? { buckets } : {}),
});

export const CATALOG = {
  functionInfo: spec('streamforge_function_info', 'gauge', ['fn'], 'every function', 'A function running in this process (always 1)'),
  recordsIn: spec('streamforge_records_in_total', 'counter', ['fn'], 'every function', 'Records taken in: read from a topic, or fetched from the exchange'),
  recordsOut: spec('streamforge_records_out_total', 'counter', ['fn'], 'every function', 'Records written by steps (published or stored) and by live publishers'),
  recordsFailed: spec('streamforge_records_failed_total', 'counter', ['fn'], 'every function', 'Records of consumed batches whose handling failed; they are read again'),
  recordsDeadLettered: spec('streamforge_records_dead_lettered_total', 'counter', ['fn'], 'every function', 'Records sent to the dead-letter topic with their reason'),
  batchDuration: spec(
    'streamforge_batch_duration_seconds',
    'histogram',
    ['fn'],
    'every function',
    'Time to handle one consumed batch',
    [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
  ),
  steps: spec('streamforge_steps_total', 'counter', ['fn', 'outcome'], 'step functions', 'Workflow steps ended, by outcome (finished, error, cancelled, interrupted)'),
  stepDuration: spec('streamforge_step_duration_seconds', 'histogram', ['fn'], 'step functions', 'Duration of workflow steps', STEP_BUCKETS),
  stepRetries: spec('streamforge_step_retries_total', 'counter', ['fn'], 'step functions', 'Step attempts that failed and were retried'),
  consumerLag: spec(
    'streamforge_consumer_lag',
    'gauge',
    ['fn', 'group', 'topic', 'partition'],
    'every consumer; the orchestrator for every command group',
    'Records not yet committed by a consumer group (end offset minus committed offset); fn owns the group',
  ),
  busTopics: spec('streamforge_bus_topics', 'gauge', [], 'every function', 'Topics on the bus, internal ones aside'),
  liveLatency: spec(
    'streamforge_live_latency_seconds',
    'histogram',
    ['fn', 'stream'],
    'live loaders',
    "Live records: from the exchange's event time to published on the data topic",
    [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
  ),
  liveLastPublish: spec(
    'streamforge_live_last_publish_timestamp_seconds',
    'gauge',
    ['fn', 'stream', 'symbol'],
    'live loaders',
    'When a running live stream last published a record (unix time); gone when its step ends',
  ),
  liveReconnects: spec('streamforge_live_reconnects_total', 'counter', ['fn'], 'live loaders', 'Live stream connections lost and reopened'),
  liveResyncs: spec('streamforge_live_book_resyncs_total', 'counter', ['fn'], 'live loaders', 'Order books rebuilt from a snapshot after a sequence gap'),
  liveBackfilled: spec('streamforge_live_backfilled_total', 'counter', ['fn'], 'live loaders', 'Records a live stream missed, fetched from REST'),
  liveSkipped: spec('streamforge_live_skipped_total', 'counter', ['fn', 'reason'], 'live loaders', 'Stream messages skipped: not JSON, or not a followed stream'),
  modelVersion: spec('streamforge_model_version', 'gauge', ['fn', 'model', 'reference'], 'functions that use a model', 'The registry version of the model a function is using'),
  modelsRegistered: spec('streamforge_models_registered_total', 'counter', ['fn', 'model'], 'trainers', 'Model versions registered'),
  visualizerClients: spec('streamforge_visualizer_clients', 'gauge', [], 'visualizer', 'Pages connected to /live'),
  visualizerRelayed: spec(
    'streamforge_visualizer_records_relayed_total',
    'counter',
    ['kind'],
    'visualizer',
    'Live records sent to pages, once per page, by kind (candle, trade, book)',
  ),
  workflowsStarted: spec('streamforge_workflows_started_total', 'counter', [], 'orchestrator', 'Workflows accepted'),
  workflowsEnded: spec('streamforge_workflows_ended_total', 'counter', ['status'], 'orchestrator', 'Workflows ended, by status (succeeded, failed, cancelled)'),
  workflowDuration: spec('streamforge_workflow_duration_seconds', 'histogram', ['status'], 'orchestrator', 'From accepted to ended, by status', STEP_BUCKETS),
  workflowsRunning: spec('streamforge_workflows_running', 'gauge', [], 'orchestrator', 'Workflows accepted and not yet ended'),
  workflowStepsEnded: spec(
    'streamforge_workflow_steps_ended_total',
    'counter',
    ['step', 'status'],
    'orchestrator',
    'Steps ended as the orchestrator saw them, by function and status',
  ),
  workflowStepDuration: spec(
    'streamforge_workflow_step_duration_seconds',
    'histogram',
    ['step', 'status'],
    'orchestrator',
    'From dispatched to ended, by function and status',
    STEP_BUCKETS,
  ),
  workflowStepFailures: spec(
    'streamforge_workflow_step_failures_total',
    'counter',
    ['step', 'cause'],
    'orchestrator',
    'Steps failed, by cause: error (reported by the function), not_started, silent (no heartbeat), pod_failed',
  ),
} as const satisfies Record<string, MetricSpec>;

export const STEP_OUTCOMES: readonly StepOutcome[] = ['finished', 'error', 'cancelled', 'interrupted'];
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = ['succeeded', 'failed', 'cancelled'];
export const STEP_STATUSES = ['finished', 'error', 'cancelled'] as const;
export const FAILURE_CAUSES = ['error', 'not_started', 'silent', 'pod_failed'] as const;
const SKIP_REASONS = ['not-json', 'unknown-stream'] as const;

/** prom-client's default gauges that end in `_total`, which only counters may: their per-type siblings stay. */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'streamforge_' });
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(`streamforge_${name}`);
  return registry;
}

type Labels<S extends MetricSpec> = S['labels'][number];
export const counter = <S extends MetricSpec>(registry: Registry, s: S) => new Counter<Labels<S>>({ name: s.name, help: s.help, labelNames: s.labels, registers: [registry] });
export const gauge = <S extends MetricSpec>(registry: Registry, s: S) => new Gauge<Labels<S>>({ name: s.name, help: s.help, labelNames: s.labels, registers: [registry] });
export const histogram = <S extends MetricSpec>(registry: Registry, s: S) =>
  new Histogram<Labels<S>>({ name: s.name, help: s.help, labelNames: s.labels, buckets: [...(s.buckets ?? [])], registers: [registry] });

/** The functions' own metrics. Each function's counters start at zero when it starts, so they exist before anything happens. */
function functionMetrics(registry: Registry, instrumentation: Instrumentation): (() => void)[] {
  const info = gauge(registry, CATALOG.functionInfo);
  const recordsIn = counter(registry, CATALOG.recordsIn);
  const recordsOut = counter(registry, CATALOG.recordsOut);
  const recordsFailed = counter(registry, CATALOG.recordsFailed);
  const deadLettered = counter(registry, CATALOG.recordsDeadLettered);
  const batchDuration = histogram(registry, CATALOG.batchDuration);
  const steps = counter(registry, CATALOG.steps);
  const stepDuration = histogram(registry, CATALOG.stepDuration);
  const retries = counter(registry, CATALOG.stepRetries);
  const modelVersion = gauge(registry, CATALOG.modelVersion);
  const registered = counter(registry, CATALOG.modelsRegistered);
  return [
    instrumentation.on('function.started', ({ fn }) => {
      info.set({ fn }, 1);
      for (const c of [recordsIn, recordsOut, recordsFailed, deadLettered, retries]) c.inc({ fn }, 0);
    }),
    instrumentation.on('records.in', ({ fn, count }) => recordsIn.inc({ fn }, count)),
    instrumentation.on('records.out', ({ fn, count }) => recordsOut.inc({ fn }, count)),
    instrumentation.on('records.failed', ({ fn, count }) => recordsFailed.inc({ fn }, count)),
    instrumentation.on('record.dead-lettered', ({ fn }) => deadLettered.inc({ fn })),
    instrumentation.on('batch.handled', ({ fn, seconds }) => batchDuration.observe({ fn }, seconds)),
    instrumentation.on('step.started', ({ fn }) => {
      for (const outcome of STEP_OUTCOMES) steps.inc({ fn, outcome }, 0);
    }),
    instrumentation.on('step.ended', ({ fn, outcome, seconds }) => {
      steps.inc({ fn, outcome });
      stepDuration.observe({ fn }, seconds);
    }),
    instrumentation.on('step.retry', ({ fn }) => retries.inc({ fn })),
    instrumentation.on('model.in-use', ({ fn, model, reference, version }) => modelVersion.set({ fn, model, reference }, version)),
    instrumentation.on('model.registered', ({ fn, model }) => registered.inc({ fn, model })),
  ];
}

/** Live loaders: latency from the exchange, when each stream last published, and the stream's troubles. */
function liveMetrics(registry: Registry, instrumentation: Instrumentation): (() => void)[] {
  const latency = histogram(registry, CATALOG.liveLatency);
  const lastPublish = gauge(registry, CATALOG.liveLastPublish);
  const reconnects = counter(registry, CATALOG.liveReconnects);
  const resyncs = counter(registry, CATALOG.liveResyncs);
  const backfilled = counter(registry, CATALOG.liveBackfilled);
  const skipped = counter(registry, CATALOG.liveSkipped);
  /** The series each running live step keeps, removed when the step ends: a stopped stream is not a silent one. */
  const streams = new Map<string, { fn: string; stream: string; symbol: string }>();
  const live = new Set<string>();
  return [
    instrumentation.on('live.published', ({ fn, stream, symbol, queueId, latenciesMs }) => {
      // A function that publishes live records exports its stream counters from then on, at zero until something happens.
      if (!live.has(fn)) {
        live.add(fn);
        for (const c of [reconnects, resyncs, backfilled]) c.inc({ fn }, 0);
        for (const reason of SKIP_REASONS) skipped.inc({ fn, reason }, 0);
      }
      for (const ms of latenciesMs) latency.observe({ fn, stream }, ms / 1000);
      streams.set(queueId, { fn, stream, symbol });
      lastPublish.set({ fn, stream, symbol }, Date.now() / 1000);
    }),
    instrumentation.on('step.ended', ({ queueId }) => {
      const labels = streams.get(queueId);
      if (!labels) return;
      streams.delete(queueId);
      lastPublish.remove(labels);
    }),
    instrumentation.on('live.reconnected', ({ fn }) => reconnects.inc({ fn })),
    instrumentation.on('live.resynced', ({ fn, count }) => resyncs.inc({ fn }, count)),
    instrumentation.on('live.backfilled', ({ fn, records }) => backfilled.inc({ fn }, records)),
    instrumentation.on('live.skipped', ({ fn, reason }) => skipped.inc({ fn, reason })),
  ];
}

/** The orchestrator's view of workflows and their steps, registered when an orchestrator starts in this process. */
function workflowMetrics(registry: Registry, instrumentation: Instrumentation): (() => void)[] {
  let metrics: ReturnType<typeof createWorkflowMetrics> | undefined;
  /** Steps are labelled by function name, as everything else is; commands name their wire target. */
  const functionOf = new Map<string, string>();
  const step = (target: string) => functionOf.get(target) ?? target;
  return [
    instrumentation.on('orchestrator.started', ({ functions, running }) => {
      metrics ??= createWorkflowMetrics(registry);
      metrics.running.set(running);
      for (const status of WORKFLOW_STATUSES) metrics.ended.inc({ status }, 0);
      for (const { target, fn } of functions) {
        functionOf.set(target, fn);
        for (const status of STEP_STATUSES) metrics.stepsEnded.inc({ step: fn, status }, 0);
        for (const cause of FAILURE_CAUSES) metrics.failures.inc({ step: fn, cause }, 0);
      }
    }),
    instrumentation.on('workflow.started', () => {
      metrics?.started.inc();
      metrics?.running.inc();
    }),
    instrumentation.on('workflow.ended', ({ status, seconds }) => {
      metrics?.ended.inc({ status });
      metrics?.duration.observe({ status }, seconds);
      metrics?.running.dec();
    }),
    instrumentation.on('workflow.step-ended', ({ target, status, seconds }) => {
      metrics?.stepsEnded.inc({ step: step(target), status });
      metrics?.stepDuration.observe({ step: step(target), status }, seconds);
    }),
    instrumentation.on('workflow.step-failed', ({ target, cause }) => metrics?.failures.inc({ step: step(target), cause })),
  ];
}

function createWorkflowMetrics(registry: Registry) {
  return {
    started: counter(registry, CATALOG.workflowsStarted),
    ended: counter(registry, CATALOG.workflowsEnded),
    duration: histogram(registry, CATALOG.workflowDuration),
    running: gauge(registry, CATALOG.workflowsRunning),
    stepsEnded: counter(registry, CATALOG.workflowStepsEnded),
    stepDuration: histogram(registry, CATALOG.workflowStepDuration),
    failures: counter(registry, CATALOG.workflowStepFailures),
  };
}

/** Registers the catalog in `registry`, fed by `instrumentation`; returns the unsubscriber. */
export function instrumentMetrics(registry: Registry, instrumentation: Instrumentation): () => void {
  const unsubscribes = [...functionMetrics(registry, instrumentation), ...liveMetrics(registry, instrumentation), ...workflowMetrics(registry, instrumentation)];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
