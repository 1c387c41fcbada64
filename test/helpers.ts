// Shared helpers for end-to-end tests: a platform on a temp data dir, the API, and waiting for workflow
// states. A wait that gives up fails the test with what it saw last.
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../shared/config.ts';
import { type Workflow, isTerminal, workflowSchema } from '../shared/contracts/workflow.ts';
import { formatDataType } from '../shared/contracts/data-type.ts';
import { silentLogger } from '../shared/logger.ts';
import { type LocalPlatform, startLocalPlatform } from '../platform/local.ts';

export async function tempDir(prefix = 'sf-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startTestPlatform(env: Record<string, string> = {}): Promise<LocalPlatform> {
  const dataDir = env.DATA_DIR ?? (await tempDir('sf-data-'));
  return startLocalPlatform(loadConfig({ PORT: '0', SIM_PORT: '0', VISUALIZER_PORT: '0', ...env, DATA_DIR: dataDir }), silentLogger);
}

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
export async function api<T = any>(platform: { url: string }, path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; body: T; headers: Headers }> {
  const response = await fetch(`${platform.url}${path}`, {
    ...init,
    ...(init?.json !== undefined ? { method: init.method ?? 'POST', body: JSON.stringify(init.json), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, headers: response.headers };
}

export async function getWorkflow(platform: { url: string }, id: string): Promise<Workflow> {
  const { status, body } = await api(platform, `/workflows/${id}`);
  if (status !== 200) throw new Error(`GET /workflows/${id} answered ${status}: ${JSON.stringify(body)}`);
  return workflowSchema.parse(body);
}

export async function waitForWorkflow(platform: { url: string }, id: string, done: (w: Workflow) => boolean, timeoutMs = 60_000): Promise<Workflow> {
  const deadline = Date.now() + timeoutMs;
  let last: Workflow | undefined;
  while (Date.now() < deadline) {
    last = await getWorkflow(platform, id);
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `workflow ${id} did not reach the expected state in ${timeoutMs} ms; last: ${last?.status} ${JSON.stringify(last?.steps.map((s) => [s.id, s.status, s.message]))}`,
  );
}

/** Polls until `check` holds; gives up by failing with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const ended = (w: Workflow) => isTerminal(w.status);

/** Persisted counts per symbol/type: what a persister step reports at the end. */
export const persistedCounts = (w: Workflow) =>
  Object.fromEntries(w.steps.filter((s) => s.target === 'arango-connector').map((s) => [`${s.symbol}/${formatDataType(s.type)}`, s.records_written]));

/** The exchange simulator's aggregated trades for the default seed: BTCUSDT 1200/h, ETHUSDT 900/h. */
export const DAY_COUNTS = { 'BTCUSDT/api_candles_5m': 288, 'BTCUSDT/api_trades': 28_800, 'ETHUSDT/api_candles_5m': 288, 'ETHUSDT/api_trades': 21_600 };

export interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The CLI as a process, as a user runs it; killed after the timeout. */
export function streamforge(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/streamforge.ts', ...args], { env: { ...process.env, LOG_LEVEL: 'silent', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started });
    }),
  );
}
