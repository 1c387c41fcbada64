// End-to-end ingest on embedded adapters: POST a workflow, wait for "succeeded", count what the store holds.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const quiet = new ProgressView({ isTTY: false, write: () => true });

export async function benchIngest(symbols: string[], types: string[], range: string, env: Record<string, string> = {}): Promise<IngestResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-bench-'));
  const platform = await startLocalPlatform(loadConfig({ PORT: '0', SIM_PORT: '0', VISUALIZER_PORT: '0', HOST: '127.0.0.1', ...env, DATA_DIR: dataDir }), silentLogger);
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
