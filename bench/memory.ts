// Memory run: one `streamforge up` process takes the one-day, two-symbol workflow N times in a row.
// Resident memory and the bus's topic count are read from its own /metrics
// (streamforge_process_resident_memory_bytes, streamforge_bus_topics) before, at every run's end, and
// after the data topics' grace period.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../platform/free-port.ts';

export interface MemoryRun {
  readonly runs: number;
  readonly records: number;
  readonly before: { readonly rssMb: number; readonly topics: number };
  readonly peakRssMb: number;
  /** After half the runs and after all of them: equal when memory has levelled off. */
  readonly halfwayRssMb: number;
  readonly afterRunsRssMb: number;
  readonly after: { readonly rssMb: number; readonly topics: number };
  readonly graceMs: number;
}

const REQUEST = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };

async function gauges(url: string): Promise<{ rssMb: number; topics: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm').exec(text)?.[1] ?? Number.NaN);
  return { rssMb: read('streamforge_process_resident_memory_bytes') / 1_048_576, topics: read('streamforge_bus_topics') };
}

async function runWorkflow(url: string): Promise<number> {
  const response = await fetch(`${url}/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(REQUEST) });
  const { id } = (await response.json()) as { id: string };
  for (;;) {
    const workflow = (await (await fetch(`${url}/workflows/${id}`)).json()) as { status: string; steps: { target: string; records_written: number }[] };
    if (workflow.status === 'succeeded') return workflow.steps.filter((s) => s.target === 'arango-connector').reduce((sum, s) => sum + s.records_written, 0);
    if (workflow.status !== 'running' && workflow.status !== 'pending') throw new Error(`memory run: workflow ${id} ${workflow.status}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** `nodeOptions` as NODE_OPTIONS of the `up` process, e.g. a heap cap. */
export async function benchMemory(runs = 20, graceMs = 5000, nodeOptions = ''): Promise<MemoryRun> {
  const [port, simPort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-memory-'));
  const bin = new URL('../bin/streamforge.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [bin, 'up'], {
    env: {
      ...process.env,
      PORT: String(port),
      SIM_PORT: String(simPort),
      VISUALIZER_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      DATA_TOPIC_GRACE_MS: String(graceMs),
      NODE_OPTIONS: nodeOptions,
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let ready = false; !ready; ) {
      if (child.exitCode !== null) throw new Error(`streamforge up exited with ${child.exitCode}`);
      ready = await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const before = await gauges(url);
    let peak = before.rssMb;
    let halfwayRssMb = 0;
    let records = 0;
    for (let i = 1; i <= runs; i++) {
      records += await runWorkflow(url);
      const { rssMb } = await gauges(url);
      peak = Math.max(peak, rssMb);
      if (i === Math.ceil(runs / 2)) halfwayRssMb = rssMb;
    }
    const afterRunsRssMb = (await gauges(url)).rssMb;
    // The grace period, then one tick of the orchestrator's clock and a moment for the heap to settle.
    await new Promise((resolve) => setTimeout(resolve, graceMs + 10_000));
    const after = await gauges(url);
    return { runs, records, before, peakRssMb: peak, halfwayRssMb, afterRunsRssMb, after, graceMs };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}
