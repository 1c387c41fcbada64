// Workflow model: a DAG of steps, one per (symbol, type, function). Planners turn a requested type into
// steps; graph, train and backtest steps arrive later as new planners with dependencies.
import type { ControlCommand } from '../../shared/contracts/control.ts';
import { PERSISTER_GROUP, collectionNameFor, dataTopicFor, queueIdFor, telemetryIdFor } from '../../shared/contracts/naming.ts';
import type { WorkflowRequest } from '../../shared/contracts/workflow.ts';
import { parseTimeRange } from '../../shared/contracts/workflow.ts';

export type WorkflowStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StepState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Step {
  /** `${queue_id}__${target}` */
  readonly id: string;
  readonly queue_id: string;
  readonly target: string;
  readonly symbol: string;
  readonly type: string;
  readonly kafka_topic: string;
  readonly collection_name: string;
  readonly telemetry_id: string;
  /** Steps that must have succeeded before this one starts. */
  readonly depends_on: readonly string[];
  /** The consumer group this step reads its kafka_topic in, when it reads one. */
  readonly consumer_group: string | null;
  status: StepState;
  records_written: number;
  message: string;
  attempts: number;
  started_at: string | null;
  ended_at: string | null;
}

export interface Workflow {
  readonly _key: string;
  readonly id: string;
  readonly request: WorkflowRequest;
  status: WorkflowStatus;
  reason: string | null;
  readonly created_at: string;
  updated_at: string;
  steps: Step[];
}

/** Step targets on the wire, in the seed's names. */
export const LOADER = 'loader-producer';
export const PERSISTER = 'arango-connector';

export function isPlannable(type: string): boolean {
  return type.startsWith('api_');
}

export function planWorkflow(id: string, suffix: string, request: WorkflowRequest, now: Date): Workflow {
  const { from } = parseTimeRange(request.time_range);
  const steps: Step[] = [];
  for (const symbol of request.symbols) {
    for (const type of request.types) {
      const queueId = queueIdFor(symbol, type, from, suffix);
      const common = { queue_id: queueId, symbol, type, kafka_topic: dataTopicFor(queueId), collection_name: collectionNameFor(symbol, type, from) };
      // Loader and persister stream concurrently through the data topic: neither waits for the other.
      for (const target of [LOADER, PERSISTER]) {
        steps.push({
          ...common,
          id: `${queueId}__${target}`,
          target,
          telemetry_id: telemetryIdFor(target, suffix),
          depends_on: [],
          consumer_group: target === PERSISTER ? PERSISTER_GROUP : null,
          status: 'pending',
          records_written: 0,
          message: '',
          attempts: 0,
          started_at: null,
          ended_at: null,
        });
      }
    }
  }
  const stamp = now.toISOString();
  return { _key: id, id, request, status: 'pending', reason: null, created_at: stamp, updated_at: stamp, steps };
}

export function commandFor(step: Step, workflow: Workflow, command: 'start' | 'stop', image: (target: string) => string): ControlCommand {
  return {
    command,
    queue_id: step.queue_id,
    target: step.target,
    symbol: step.symbol,
    type: step.type,
    time_range: workflow.request.time_range,
    kafka_topic: step.kafka_topic,
    collection_name: step.collection_name,
    telemetry_id: step.telemetry_id,
    image: image(step.target),
    timestamp: Date.now() / 1000,
  };
}

/** Steps whose dependencies have all succeeded and that have not started. */
export function readySteps(workflow: Workflow): Step[] {
  const succeeded = new Set(workflow.steps.filter((s) => s.status === 'succeeded').map((s) => s.id));
  return workflow.steps.filter((s) => s.status === 'pending' && s.depends_on.every((d) => succeeded.has(d)));
}

export const isTerminal = (status: WorkflowStatus) => status === 'succeeded' || status === 'failed' || status === 'cancelled';
