// A real Prometheus for tests: started and stopped through scripts/prometheus/server.sh, its file_sd
// targets written, its HTTP API asked (targets, instant queries). Every wait is bounded and fails with
// what it waited for and what it saw last.
import { execFile } from 'node:child_process';
import { rename, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { freePort } from '../../platform/free-port.ts';

const run = promisify(execFile);
const script = new URL('../../scripts/prometheus/server.sh', import.meta.url).pathname;

export interface RunningPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

/** Prometheus on a free loopback port with `configFile`; building it first may take minutes (see the script). */
export async function startPrometheus(configFile: string): Promise<RunningPrometheus> {
  const port = await freePort();
  const { stdout } = await run('bash', [script, 'start', '--port', String(port), '--config', configFile], { timeout: 1_800_000, maxBuffer: 16 * 1024 * 1024 });
  const url = /^PROMETHEUS_URL=(.+)$/m.exec(stdout)?.[1];
  if (!url) throw new Error(`scripts/prometheus/server.sh printed no PROMETHEUS_URL: ${stdout}`);
  return {
    url,
    stop: async () => {
      await run('bash', [script, 'stop', '--port', String(port)], { timeout: 60_000 });
    },
  };
}

export interface TargetGroup {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** Replaces the targets file whole (a rename), so Prometheus never reads it half written. */
export async function writeTargets(file: string, groups: readonly TargetGroup[]): Promise<void> {
  await writeFile(`${file}.next`, JSON.stringify(groups));
  await rename(`${file}.next`, file);
}

export interface Target {
  readonly labels: Record<string, string>;
  readonly health: 'up' | 'down' | 'unknown';
  readonly lastError: string;
  readonly scrapeUrl: string;
}

async function api<T>(url: string, path: string): Promise<T> {
  const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus ${path} answered ${response.status}: ${body.error}`);
  return body.data;
}

export const activeTargets = async (url: string) => (await api<{ activeTargets: Target[] }>(url, '/api/v1/targets?state=active')).activeTargets;

const describeTargets = (targets: readonly Target[]) =>
  targets.length === 0 ? 'no active targets' : targets.map((t) => `${JSON.stringify(t.labels)} ${t.health}${t.lastError ? ` (${t.lastError})` : ''}`).join('; ');

/** Waits until a target whose labels include `labels` has been scraped successfully. */
export async function waitForTarget(url: string, labels: Readonly<Record<string, string>>, timeoutMs = 30_000): Promise<Target> {
  const deadline = Date.now() + timeoutMs;
  let seen: Target[] = [];
  for (;;) {
    seen = await activeTargets(url);
    const target = seen.find((t) => t.health === 'up' && Object.entries(labels).every(([name, value]) => t.labels[name] === value));
    if (target) return target;
    if (Date.now() > deadline) throw new Error(`no target ${JSON.stringify(labels)} up within ${timeoutMs / 1000} s; saw: ${describeTargets(seen)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** One series of a query's answer: its labels and its value (the last sample of a range). */
export interface Series {
  readonly metric: Record<string, string>;
  readonly value: number;
}

type Sample = [number, string];

/** An instant query (`/api/v1/query`); a range selector answers each series with its last sample. */
export async function query(url: string, expr: string): Promise<Series[]> {
  const data = await api<{ resultType: string; result: { metric: Record<string, string>; value?: Sample; values?: Sample[] }[] }>(
    url,
    `/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  if (data.resultType !== 'vector' && data.resultType !== 'matrix') throw new Error(`${expr} is a ${data.resultType}, not a vector or a range`);
  return data.result.map(({ metric, value, values }) => ({ metric, value: Number((value ?? values!.at(-1)!)[1]) }));
}

/** Waits until `expr` answers at least one series, and returns them. */
export async function waitForSeries(url: string, expr: string, timeoutMs = 30_000): Promise<Series[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const series = await query(url, expr);
    if (series.length > 0) return series;
    if (Date.now() > deadline) throw new Error(`${expr} answered no series within ${timeoutMs / 1000} s; targets: ${describeTargets(await activeTargets(url))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
