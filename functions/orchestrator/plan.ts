// Workflow planning: a DAG of steps, one per (symbol, type, function) for the data, then one per pipeline
// stage for the whole workflow (graph after every symbol's candles are stored, train after graph).
import type { ControlCommand } from '../../shared/contracts/control.ts';
import type { DataType } from '../../shared/contracts/data-type.ts';
import {
  GROUPS,
  STAGE_TARGETS,
  TARGETS,
  type Target,
  collectionNameFor,
  dataTopicFor,
  graphNameFor,
  isStageTarget,
  queueIdFor,
  stageOutputNameFor,
  stageQueueIdFor,
  telemetryIdFor,
  workflowIdFor,
} from '../../shared/contracts/names.ts';
import { DEFAULT_PIPELINE_OPTIONS } from '../../shared/contracts/pipeline.ts';
import { type Step, type Workflow, type WorkflowRequest, pipelineCandleType } from '../../shared/contracts/workflow.ts';

/** Data steps stream through their data topic; stage steps read the store and have none. */
export const usesDataTopic = (step: Step) => !isStageTarget(step.target);

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
  const newStep = (fields: Pick<Step, 'id' | 'queue_id' | 'target' | 'symbol' | 'type' | 'kafka_topic' | 'collection_name' | 'depends_on' | 'consumer_group'>): Step => ({
    ...fields,
    telemetry_id: telemetryIdFor(fields.target, suffix),
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
  for (const symbol of request.symbols) {
    for (const type of request.types) {
      const queueId = queueIdFor(symbol, type, request.time_range.from, suffix);
      // Loader and persister stream concurrently through the data topic: neither waits for the other.
      for (const target of targetsFor(type)) {
        steps.push(
          newStep({
            id: `${queueId}__${target}`,
            queue_id: queueId,
            target,
            symbol,
            type,
            kafka_topic: dataTopicFor(queueId),
            collection_name: collectionNameFor(symbol, type, request.time_range.from),
            depends_on: [],
            consumer_group: target === TARGETS.persister ? GROUPS.persister : null,
          }),
        );
      }
    }
  }
  // Each stage waits for everything before it: graph for every symbol's stored candles, train for graph.
  const candles = pipelineCandleType(request);
  let before = candles ? steps.filter((s) => s.target === TARGETS.persister && s.type === candles).map((s) => s.id) : [];
  for (const stage of request.pipeline ?? []) {
    if (!candles) break;
    const queueId = stageQueueIdFor(stage, request.time_range.from, suffix);
    const target = STAGE_TARGETS[stage];
    const step = newStep({
      id: `${queueId}__${target}`,
      queue_id: queueId,
      target,
      symbol: request.symbols[0]!,
      type: candles,
      kafka_topic: dataTopicFor(queueId),
      // graph writes the graphs and train reads them; the other stages name their own output.
      collection_name: stage === 'graph' || stage === 'train' ? graphNameFor(request.time_range.from, suffix) : stageOutputNameFor(stage, request.time_range.from, suffix),
      depends_on: before,
      consumer_group: null,
    });
    steps.push(step);
    before = [step.id];
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
    ...(isStageTarget(step.target)
      ? {
          stage: {
            workflow_id: workflow.id,
            symbols: workflow.request.symbols,
            pipeline: workflow.request.pipeline ?? [],
            options: workflow.request.options ?? DEFAULT_PIPELINE_OPTIONS,
          },
        }
      : {}),
  };
}

/** Steps whose dependencies have all succeeded and that have not started. */
export function readySteps(workflow: Workflow): Step[] {
  const succeeded = new Set(workflow.steps.filter((s) => s.status === 'succeeded').map((s) => s.id));
  return workflow.steps.filter((s) => s.status === 'pending' && s.depends_on.every((d) => succeeded.has(d)));
}
