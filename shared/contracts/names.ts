// Every name that crosses a process boundary, defined once: the functions' wire names (the seed's),
// consumer groups, topics, and the names derived from a workflow step.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type DataType, formatDataType } from './data-type.ts';

/** Wire names of the step functions: a command's `target`, the prefix of its `telemetry_id`. */
export const TARGETS = {
  loader: 'loader-producer',
  loaderWs: 'loader-ws',
  persister: 'arango-connector',
  graphBuilder: 'graph-builder',
  gnnTrainer: 'gnn-trainer',
  rlAgent: 'rl-agent',
  backtester: 'backtester',
} as const;
export type Target = (typeof TARGETS)[keyof typeof TARGETS];
export const targetSchema = z.enum(Object.values(TARGETS) as [Target, ...Target[]]);

/** The functions of the pipeline's stages: they work on a whole workflow's stored data, not on a data topic. */
export const STAGE_TARGETS = { graph: TARGETS.graphBuilder, train: TARGETS.gnnTrainer, rl_train: TARGETS.rlAgent, backtest: TARGETS.backtester } as const;
export const isStageTarget = (target: string) => Object.values(STAGE_TARGETS).includes(target as (typeof STAGE_TARGETS)[keyof typeof STAGE_TARGETS]);

export const GROUPS = {
  /** The orchestrator reads queue-events in the seed's queue-manager group. */
  orchestrator: 'queue-manager-group',
  /** The persister reads data topics in the seed's arango-connector-group. */
  persister: 'arango-connector-group',
  dummy: 'dummy-service-group',
  /** The visualizer reads live data topics in a group of its own: a slow page never delays the persister. */
  visualizer: 'visualizer-group',
  /** The live PPO agent reads closed candles in a group of its own, like the visualizer. */
  rlAgent: 'rl-agent-group',
} as const;

/** The dummy function's connectivity check produces and consumes here. */
export const DUMMY_SCRATCH_TOPIC = 'dummy-scratch';

/**
 * Commands are read in a group of their own, so data consumers joining and leaving the function's data
 * group never rebalance the command reader (and never hand a running step's command to another instance).
 */
export const commandGroupFor = (target: string) => `${target}-commands`;

const SYMBOL_PATTERN = /^[A-Z0-9]{2,20}$/;
export const symbolSchema = z.string().regex(SYMBOL_PATTERN, 'must be an upper-case symbol such as BTCUSDT');

const TELEMETRY_ID = /^[a-z0-9-]+__[a-z0-9]+$/;
export const telemetryIdSchema = z.string().regex(TELEMETRY_ID, 'must be <function>__<suffix>');
export const queueIdSchema = z.string().regex(/^wf-[a-z0-9_-]+$/, 'must look like wf-<symbol>-<type>-<yyyymmdd>-<suffix>');
export const topicNameSchema = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a valid topic name');
export const collectionNameSchema = z.string().regex(/^[a-z][a-z0-9_]{0,255}$/, 'must be a valid collection name');

const compactDate = (from: number) => new Date(from).toISOString().slice(0, 10).replaceAll('-', '');

export function newSuffix(): string {
  return randomBytes(3).toString('hex');
}

/** wf-20240801-a1b2c3 */
export function workflowIdFor(created: Date, suffix: string): string {
  return `wf-${compactDate(created.getTime())}-${suffix}`;
}

/** wf-btcusdt-api_candles_5m-20240801-a1b2c3 */
export function queueIdFor(symbol: string, type: DataType, from: number, suffix: string): string {
  return `wf-${symbol.toLowerCase()}-${formatDataType(type)}-${compactDate(from)}-${suffix}`;
}

/** wf-btcusdt-api_candles_5m-20240801-a1b2c3-data */
export function dataTopicFor(queueId: string): string {
  return `${queueId}-data`;
}

/** wf-graph-20240801-a1b2c3: a pipeline stage works on the whole workflow, not on one symbol. */
export function stageQueueIdFor(stage: string, from: number, suffix: string): string {
  return `wf-${stage}-${compactDate(from)}-${suffix}`;
}

/** backtest_20240801_a1b2c3: what a stage other than graph and train names its output (the backtest's run id). */
export function stageOutputNameFor(stage: string, from: number, suffix: string): string {
  return `${stage}_${compactDate(from)}_${suffix}`;
}

/** graph_20240801_a1b2c3: the name of a workflow's graphs, prefix of their vertex and edge collections. */
export function graphNameFor(from: number, suffix: string): string {
  return `graph_${compactDate(from)}_${suffix}`;
}

/** btcusdt_api_candles_5m_2024_08_01 */
export function collectionNameFor(symbol: string, type: DataType, from: number): string {
  return `${symbol.toLowerCase()}_${formatDataType(type)}_${new Date(from).toISOString().slice(0, 10).replaceAll('-', '_')}`;
}

/** loader-producer__a1b2c3 */
export function telemetryIdFor(target: string, suffix: string): string {
  return `${target}__${suffix}`;
}

/** The function a telemetry id or producer belongs to: arango-connector__a1b2c3 -> arango-connector. */
export function targetOfProducer(producer: string): string {
  return producer.split('__')[0] ?? producer;
}
