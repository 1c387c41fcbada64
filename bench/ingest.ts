// End-to-end ingest on embedded adapters: POST a workflow, wait for "succeeded", count what the store holds.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadConfig } from '../shared/config.ts';
import { silentLogger } from '../shared/logger.ts';
import { startLocalPlatform } from '../platform/local.ts';
import { followWorkflow, startWorkflow } from '../platform/cli/follow.ts';
import { ProgressView } from '../platform/cli/progress.ts';

export interface IngestResult {
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly workload: string;
}

const run = promisify(execFile);
const quiet = new ProgressView({ isTTY: false, write: () => true });

/** `metrics: false` detaches the metrics listeners, so the run shows what the catalog costs. */
export async function benchIngest(symbols: string[], types: string[], range: string, env: Record<string, string> = {}, { metrics = true } = {}): Promise<IngestResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-bench-'));
  const platform = await startLocalPlatform(loadConfig({ PORT: '0', SIM_PORT: '0', VISUALIZER_PORT: '0', HOST: '127.0.0.1', ...env, DATA_DIR: dataDir }), silentLogger);
  if (!metrics) platform.ports.detachMetrics();
  try {
    const started = performance.now();
    const id = await startWorkflow(platform.url, { symbols, types, time_range: range });
    const workflow = await followWorkflow(platform.url, id, quiet);
    const seconds = (performance.now() - started) / 1000;
    if (workflow.status !== 'succeeded') throw new Error(`benchmark workflow ${workflow.status}: ${workflow.reason}`);
    let records = 0;
    for (const step of workflow.steps.filter((s) => s.target === 'arango-connector')) records += await platform.ports.store.count(step.collection_name);
    return { records, seconds, recordsPerSecond: records / seconds, workload: `${symbols.join('+')} ${types.join('+')} ${range}` };
  } finally {
    await platform.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export interface MetricsCost {
  readonly workload: string;
  readonly runs: number;
  /** Median records/s with the metrics listeners attached, and detached. */
  readonly withMetrics: number;
  readonly withoutMetrics: number;
  /** Throughput lost to metrics, in percent of the run without them (negative: within noise, faster). */
  readonly costPercent: number;
}

const median = (values: readonly number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** One ingest in a process of its own: a fresh heap, so no run inherits another's garbage. */
async function ingestInChild(symbols: string[], types: string[], range: string, metrics: boolean): Promise<IngestResult> {
  const { stdout } = await run(process.execPath, [fileURLToPath(import.meta.url), symbols.join(','), types.join(','), range, metrics ? 'metrics' : 'no-metrics'], {
    timeout: 600_000,
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as IngestResult;
}

/** The same ingest, alternately with and without the metrics listeners, `runs` times each, each in its own process; medians compared. */
export async function benchMetricsCost(symbols: string[], types: string[], range: string, runs = 3): Promise<MetricsCost> {
  const withMetrics: number[] = [];
  const withoutMetrics: number[] = [];
  let workload = '';
  for (let i = 0; i < runs; i++) {
    const on = await ingestInChild(symbols, types, range, true);
    const off = await ingestInChild(symbols, types, range, false);
    if (on.records !== off.records) throw new Error(`runs stored different counts: ${on.records} with metrics, ${off.records} without`);
    withMetrics.push(on.recordsPerSecond);
    withoutMetrics.push(off.recordsPerSecond);
    workload = on.workload;
  }
  const a = median(withMetrics);
  const b = median(withoutMetrics);
  return { workload, runs, withMetrics: a, withoutMetrics: b, costPercent: ((b - a) / b) * 100 };
}

// `node bench/ingest.ts SYMBOLS TYPES RANGE metrics|no-metrics`: one run, its figures as JSON on the last line.
if (import.meta.main) {
  const [symbols = '', types = '', range = '', metrics = 'metrics'] = process.argv.slice(2);
  console.log(JSON.stringify(await benchIngest(symbols.split(','), types.split(','), range, {}, { metrics: metrics === 'metrics' })));
}
