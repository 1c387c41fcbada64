// Workflow planning: a DAG of steps, one per (symbol, type, function). Planners turn a requested type
// into steps; graph, train and backtest steps arrive later as new planners with dependencies.
import type { ControlCommand } from '../../shared/contracts/control.ts';
import type { DataType } from '../../shared/contracts/data-type.ts';
import { GROUPS, TARGETS, type Target, collectionNameFor, dataTopicFor, queueIdFor, telemetryIdFor, workflowIdFor } from '../../shared/contracts/names.ts';
import type { Step, Workflow, WorkflowRequest } from '../../shared/contracts/workflow.ts';

/**
 * The functions that make a type's data: history comes from the REST loader, a live stream from loader-ws;
 * candles and trades are stored by the persister, reading the same data topic. A book is state, not
 * history: it goes to live views only.
 */
function targetsFor(type: DataType): Target[] {
  if (type.source === 'api') return [TARGETS.loader, TARGETS.persister];
  return type.kind === 'depth' ? [TARGETS.loaderWs] : [TARGETS.loaderWs, TARGETS.persister];
}

export function planWorkflow(request: WorkflowRequest, suffix: string, now: Date, launch: Workflow['launch'] = 'local'): Workflow {
  const steps: Step[] = [];
  for (const symbol of request.symbols) {
    for (const type of request.types) {
      const queueId = queueIdFor(symbol, type, request.time_range.from, suffix);
      // Loader and persister stream concurrently through the data topic: neither waits for the other.
      for (const target of targetsFor(type)) {
        steps.push({
          id: `${queueId}__${target}`,
          queue_id: queueId,
          target,
          symbol,
          type,
          kafka_topic: dataTopicFor(queueId),
          collection_name: collectionNameFor(symbol, type, request.time_range.from),
          telemetry_id: telemetryIdFor(target, suffix),
          depends_on: [],
          consumer_group: target === TARGETS.persister ? GROUPS.persister : null,
          status: 'pending',
          records_written: 0,
          message: '',
          attempts: 0,
          retry: null,
          started_at: null,
          ended_at: null,
          heard_at: null,
          job: null,
          pod: null,
        });
      }
    }
  }
  const stamp = now.toISOString();
  const id = workflowIdFor(now, suffix);
  return { id, request, status: 'pending', reason: null, created_at: stamp, updated_at: stamp, launch, data_topics: { delete_after: null, deleted: false }, steps };
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
