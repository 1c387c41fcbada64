import { describe, expect, it } from 'vitest';
import { TARGETS } from '../../shared/contracts/names.ts';
import { DEFAULT_PIPELINE_OPTIONS } from '../../shared/contracts/pipeline.ts';
import { workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { commandFor, planWorkflow, readySteps, usesDataTopic } from './plan.ts';

const request = (pipeline?: string[]) =>
  workflowRequestSchema.parse({
    symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
    types: ['api_candles_5m', 'api_trades'],
    time_range: '2024-08-01:2024-08-04',
    ...(pipeline ? { pipeline } : {}),
  });

describe('planning the pipeline stages', () => {
  it('adds graph after every symbol’s stored candles and train after graph, one step each for the workflow', () => {
    const workflow = planWorkflow(request(['graph', 'train']), 'abc123', new Date(Date.UTC(2024, 7, 5)));
    const graph = workflow.steps.find((s) => s.target === TARGETS.graphBuilder)!;
    const train = workflow.steps.find((s) => s.target === TARGETS.gnnTrainer)!;
    expect(workflow.steps).toHaveLength(3 * 2 * 2 + 2);
    const candlePersisters = workflow.steps.filter((s) => s.target === TARGETS.persister && s.type.kind === 'candles').map((s) => s.id);
    expect(candlePersisters).toHaveLength(3);
    expect(graph).toMatchObject({ id: 'wf-graph-20240801-abc123__graph-builder', depends_on: candlePersisters, collection_name: 'graph_20240801_abc123', consumer_group: null });
    expect(train).toMatchObject({ id: 'wf-train-20240801-abc123__gnn-trainer', depends_on: [graph.id], collection_name: 'graph_20240801_abc123' });
    expect([graph, train].map(usesDataTopic)).toEqual([false, false]);
    // Nothing of the pipeline is ready until the candles are stored.
    expect(readySteps(workflow).map((s) => s.target)).not.toContain(TARGETS.graphBuilder);
    for (const step of workflow.steps) if (candlePersisters.includes(step.id)) step.status = 'succeeded';
    expect(readySteps(workflow).filter((s) => s.target === TARGETS.graphBuilder)).toEqual([graph]);
  });

  it('gives a stage’s command the workflow’s symbols and options; data steps carry none', () => {
    const workflow = planWorkflow(request(['graph']), 'abc123', new Date(Date.UTC(2024, 7, 5)));
    const graph = workflow.steps.find((s) => s.target === TARGETS.graphBuilder)!;
    expect(commandFor(graph, workflow, 'start', (t) => t).stage).toEqual({
      workflow_id: workflow.id,
      symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
      pipeline: ['graph'],
      options: DEFAULT_PIPELINE_OPTIONS,
    });
    expect(commandFor(workflow.steps[0]!, workflow, 'start', (t) => t).stage).toBeUndefined();
    expect(workflow.steps.filter((s) => s.target === TARGETS.gnnTrainer)).toEqual([]);
  });

  it('runs rl_train after every symbol’s stored candles and backtest after it, each naming its own output', () => {
    const workflow = planWorkflow(request(['rl_train', 'backtest']), 'abc123', new Date(Date.UTC(2024, 7, 5)));
    const rl = workflow.steps.find((s) => s.target === TARGETS.rlAgent)!;
    const backtest = workflow.steps.find((s) => s.target === TARGETS.backtester)!;
    const candlePersisters = workflow.steps.filter((s) => s.target === TARGETS.persister && s.type.kind === 'candles').map((s) => s.id);
    expect(rl).toMatchObject({ id: 'wf-rl_train-20240801-abc123__rl-agent', depends_on: candlePersisters, collection_name: 'rl_train_20240801_abc123' });
    expect(backtest).toMatchObject({ id: 'wf-backtest-20240801-abc123__backtester', depends_on: [rl.id], collection_name: 'backtest_20240801_abc123' });
    expect([rl, backtest].map(usesDataTopic)).toEqual([false, false]);
    expect(commandFor(backtest, workflow, 'start', (t) => t).stage).toMatchObject({ pipeline: ['rl_train', 'backtest'], symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'] });
  });

  it('plans no stage without a pipeline', () => {
    expect(planWorkflow(request(), 'abc123', new Date()).steps.every(usesDataTopic)).toBe(true);
  });
});
