// The gnn-trainer step through its ports: a crash mid-training or mid-registration leaves no version and
// no artifact behind; a missing or too short graph fails for good with what is wrong.
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../shared/adapters/embedded/fs-object-store.ts';
import { GRAPHS } from '../../shared/contracts/graph.ts';
import { TARGETS, graphNameFor } from '../../shared/contracts/names.ts';
import { DEFAULT_PIPELINE_OPTIONS, type PipelineStage, type TrainOutcome } from '../../shared/contracts/pipeline.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import type { ObjectStore } from '../../shared/ports/object-store.ts';
import { tempDir } from '../../test/helpers.ts';
import { commandFor, embeddedPorts, runStep, stepContext } from '../../test/step-context.ts';
import { type StoredGraph, storedGraph } from './test-support.ts';
import { createGnnTrainer } from './index.ts';

const SYMBOLS = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT'];
const GRAPH = graphNameFor(Date.UTC(2024, 0, 1), 'abc123');
const FAST = { ...DEFAULT_PIPELINE_OPTIONS, train: { ...DEFAULT_PIPELINE_OPTIONS.train, max_epochs: 20, patience: 20 } };

/** 60 windows in which each symbol's next move follows its neighbour's RSI: something to learn. */
const graph = (): StoredGraph =>
  storedGraph({
    symbols: SYMBOLS,
    windows: 60,
    windowBars: 24,
    strideBars: 24,
    vertex: (w, s) => ({ log_return: Math.sin(w * 1.3 + s.charCodeAt(0)) * 0.01, realized_vol: 0.01, rsi: 50 + 30 * Math.sin(w * 1.3 + 1.3 + s.charCodeAt(0)), volume_z: 0 }),
    edges: () => [
      ['AAAUSDT', 'BBBUSDT', 0.6],
      ['BBBUSDT', 'CCCUSDT', -0.5],
    ],
  });

async function setUp(stored = graph(), objects?: ObjectStore) {
  const ports = { ...embeddedPorts(), objects: objects ?? new FsObjectStore(await tempDir('sf-objects-')) };
  await ports.store.upsert(GRAPHS, [{ ...stored.graph, _key: GRAPH, vertices: `${GRAPH}_vertices`, edges: `${GRAPH}_edges` }]);
  await ports.store.upsert(`${GRAPH}_vertices`, stored.vertices);
  await ports.store.upsert(
    `${GRAPH}_edges`,
    stored.edges.map((e) => ({ ...e, _from: e._from.replace(/^[^/]+/, `${GRAPH}_vertices`), _to: e._to.replace(/^[^/]+/, `${GRAPH}_vertices`) })),
  );
  const command = {
    ...commandFor(TARGETS.gnnTrainer, 'AAAUSDT', 'api_candles_5m', '2024-01-01:2024-01-06'),
    collection_name: GRAPH,
    stage: { workflow_id: 'wf-20240101-abc123', symbols: SYMBOLS, pipeline: ['graph', 'train'] as PipelineStage[], options: FAST },
  };
  return { ports, command, registry: new ModelRegistry(ports) };
}

const once = { retries: 0, minDelayMs: 1, maxDelayMs: 1 };

describe('the gnn-trainer step', () => {
  it('registers a version with its outcome, and moves challenger and champion to the first', async () => {
    const { ports, command, registry } = await setUp();
    const outcome = await runStep(createGnnTrainer(), stepContext(ports, command), once).result;
    const result = outcome.result as TrainOutcome;
    expect(result).toMatchObject({ kind: 'train', model: 'models:/gcn-direction/1', aliases: ['challenger', 'champion'] });
    expect((await registry.resolve('models:/gcn-direction@champion')).metrics.test_accuracy).toBe(result.test.accuracy);
  });

  it('leaves no version and no artifact when it crashes mid-training', async () => {
    const { ports, command, registry } = await setUp();
    const crashing = createGnnTrainer({
      afterEpoch: (progress) => {
        if (progress.epoch === 3) throw new Error('out of memory in epoch 3');
      },
    });
    await expect(runStep(crashing, stepContext(ports, command), once).result).rejects.toThrow('out of memory in epoch 3');
    expect(await registry.listModels()).toEqual([]);
    expect(await ports.objects.list('models/')).toEqual([]);
  });

  it('leaves no version and no artifact when the object store fails mid-registration, and registers cleanly after', async () => {
    const objects = new FsObjectStore(await tempDir('sf-objects-'));
    let failWeights = true;
    const flaky: ObjectStore = Object.assign(Object.create(objects) as ObjectStore, {
      put: async (key: string, ...rest: Parameters<ObjectStore['put']> extends [string, ...infer R] ? R : never) => {
        if (failWeights && key.endsWith('weights.bin')) throw new Error('connection reset while uploading weights.bin');
        return objects.put(key, ...rest);
      },
    });
    const { ports, command, registry } = await setUp(graph(), flaky);
    await expect(runStep(createGnnTrainer(), stepContext(ports, command), once).result).rejects.toThrow('connection reset');
    expect(await registry.versions('gcn-direction')).toEqual([]);
    expect(await objects.list('models/')).toEqual([]);
    failWeights = false;
    const outcome = await runStep(createGnnTrainer(), stepContext(ports, command), once).result;
    expect(outcome.result).toMatchObject({ model: 'models:/gcn-direction/1' });
    expect((await registry.versions('gcn-direction')).map((v) => v.version)).toEqual([1]);
  });

  it('fails for good when the graph is missing or too short to split in time', async () => {
    const missing = await setUp();
    const absent = { ...missing.command, collection_name: 'graph_20240101_ffffff' };
    const gone = runStep(createGnnTrainer(), stepContext(missing.ports, absent));
    await expect(gone.result).rejects.toThrow("no graph graph_20240101_ffffff is stored; the workflow's graph step builds it first");
    expect(gone.notices).toEqual([]);

    const short = await setUp(storedGraph({ symbols: SYMBOLS, windows: 6, windowBars: 24, strideBars: 24 }));
    const tooShort = runStep(createGnnTrainer(), stepContext(short.ports, short.command));
    await expect(tooShort.result).rejects.toThrow(/has 6 windows .* needs at least \d+/);
    expect(tooShort.notices).toEqual([]);
  });
});
