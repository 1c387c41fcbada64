// Scenario 1's last steps at size: graph-builder over a month of 5m candles of 50 symbols, and gnn-trainer's
// time per epoch on graphs of 50 and 200 symbols, each with the process's peak RSS. Every measurement
// runs in a fresh process (`node bench/pipeline.ts graph|train <symbols>` prints its figures as JSON), so
// one's memory never counts in another's peak.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { FsObjectStore } from '../shared/adapters/embedded/fs-object-store.ts';
import { SqliteStore } from '../shared/adapters/embedded/sqlite-store.ts';
import { GRAPHS, type EdgeDoc, type GraphDoc, type VertexDoc } from '../shared/contracts/graph.ts';
import { TARGETS, graphNameFor } from '../shared/contracts/names.ts';
import { DEFAULT_PIPELINE_OPTIONS, type PipelineStage } from '../shared/contracts/pipeline.ts';
import { runAttempts } from '../shared/harness/step.ts';
import { tempDir } from '../test/helpers.ts';
import { simulatedSymbols, storeSimulatedCandles } from '../test/market-candles.ts';
import { commandFor, embeddedPorts, stepContext } from '../test/step-context.ts';
import { createGraphBuilder } from '../functions/graph-builder/index.ts';

const run = promisify(execFile);
const FROM = Date.UTC(2024, 6, 1);
const TO = Date.UTC(2024, 6, 31);
const RANGE = '2024-07-01:2024-07-31';

export interface GraphFigures {
  readonly symbols: number;
  readonly candles: number;
  readonly windows: number;
  readonly edges: number;
  readonly seconds: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
}

export interface EpochFigures {
  readonly symbols: number;
  readonly trainWindows: number;
  readonly epochs: number;
  readonly medianEpochMs: number;
  readonly rssBeforeMb: number;
  readonly peakRssMb: number;
}

/** Samples the process's RSS every 20 ms while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    return { result, peakRssMb: Math.max(peak, process.memoryUsage().rss) / 1024 / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

/** A month of 5m candles of `count` simulated symbols sharing a market factor, and the graphs over them. */
async function storedGraphs(count: number) {
  const symbols = simulatedSymbols(count, { beta: (i) => 0.4 + (i % 9) / 10 });
  // The store on a file, as the platform keeps it: its pages are the OS's cache, not this process's memory.
  const dir = await tempDir('sf-bench-pipeline-');
  const ports = { ...embeddedPorts(), store: new SqliteStore(join(dir, 'store.db')), objects: new FsObjectStore(dir) };
  const candles = await storeSimulatedCandles(ports.store, { seed: 5, symbols }, FROM, TO);
  const command = {
    ...commandFor(TARGETS.graphBuilder, symbols[0]!.symbol, 'api_candles_5m', RANGE),
    collection_name: graphNameFor(FROM, 'bench1'),
    stage: { workflow_id: 'wf-20240701-bench1', symbols: symbols.map((s) => s.symbol), pipeline: ['graph', 'train'] as PipelineStage[], options: DEFAULT_PIPELINE_OPTIONS },
  };
  const build = () => runAttempts(createGraphBuilder(), stepContext(ports, command), { retries: 0, minDelayMs: 1, maxDelayMs: 1 });
  return { ports, candles, command, build };
}

async function measureGraph(count: number): Promise<GraphFigures> {
  const { ports, candles, command, build } = await storedGraphs(count);
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
  const started = performance.now();
  const { result, peakRssMb } = await withPeakRss(build);
  const seconds = (performance.now() - started) / 1000;
  const outcome = result.result;
  if (outcome?.kind !== 'graph') throw new Error('graph-builder reported no graph');
  if ((await ports.store.count(`${command.collection_name}_vertices`)) !== outcome.vertices) throw new Error('the stored vertices are not the reported ones');
  return { symbols: count, candles, windows: outcome.windows, edges: outcome.edges, seconds, rssBeforeMb, peakRssMb };
}

async function measureEpochs(count: number, epochs: number): Promise<EpochFigures> {
  const { ports, command, build } = await storedGraphs(count);
  await build();
  const graph = (await ports.store.get<GraphDoc>(GRAPHS, command.collection_name))!;
  const vertices = await ports.store.query<VertexDoc>(graph.vertices, { field: 'window' });
  const edges = await ports.store.query<EdgeDoc>(graph.edges, { field: 'window' });
  const [{ prepareDataset }, { trainGcn }] = await Promise.all([import('../functions/gnn-trainer/dataset.ts'), import('../functions/gnn-trainer/train.ts')]);
  const dataset = prepareDataset(graph, vertices, edges, DEFAULT_PIPELINE_OPTIONS.train);
  const times: number[] = [];
  const options = { ...DEFAULT_PIPELINE_OPTIONS.train, max_epochs: epochs, patience: epochs };
  const rssBeforeMb = process.memoryUsage().rss / 1024 / 1024;
  const { result, peakRssMb } = await withPeakRss(() => trainGcn(dataset, options, { onEpoch: (p) => void times.push(p.elapsedMs) }));
  result.model.dispose();
  // The first epoch also builds tfjs's kernels: the median of the others.
  const perEpoch = times.slice(1);
  const median = [...perEpoch].sort((a, b) => a - b)[Math.floor(perEpoch.length / 2)]!;
  return { symbols: count, trainWindows: dataset.split.train.length, epochs: times.length, medianEpochMs: median, rssBeforeMb, peakRssMb };
}

/** Each measurement in its own process. */
async function inProcess<T>(...args: string[]): Promise<T> {
  const { stdout } = await run(process.execPath, [new URL(import.meta.url).pathname, ...args], { maxBuffer: 16 * 1024 * 1024, timeout: 1_800_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

export async function benchPipeline(): Promise<{ graph: GraphFigures; epochs: EpochFigures[] }> {
  const graph = await inProcess<GraphFigures>('graph', '50');
  const epochs = [await inProcess<EpochFigures>('train', '50', '6'), await inProcess<EpochFigures>('train', '200', '4')];
  return { graph, epochs };
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const [what, symbols, epochs] = process.argv.slice(2);
  if (what === 'graph') console.log(JSON.stringify(await measureGraph(Number(symbols))));
  else if (what === 'train') console.log(JSON.stringify(await measureEpochs(Number(symbols), Number(epochs ?? 5))));
  else console.log(JSON.stringify(await benchPipeline(), null, 2));
}
