// Shared helpers for end-to-end tests: a platform on a temp data dir and waiting for workflow states.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../shared/config.ts';
import { silentLogger } from '../shared/logger.ts';
import { startLocalPlatform, type LocalPlatform } from '../shared/platform/local.ts';
import type { Workflow } from '../functions/orchestrator/plan.ts';

export async function tempDir(prefix = 'sf-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startTestPlatform(env: Record<string, string> = {}): Promise<LocalPlatform> {
  const dataDir = env.DATA_DIR ?? (await tempDir('sf-data-'));
  return startLocalPlatform(loadConfig({ PORT: '0', SIM_PORT: '0', HOST: '127.0.0.1', ...env, DATA_DIR: dataDir }), silentLogger);
}

export async function api<T = any>(platform: { url: string }, path: string, init?: RequestInit & { json?: unknown }): Promise<{ status: number; body: T }> {
  const response = await fetch(`${platform.url}${path}`, {
    ...init,
    ...(init?.json !== undefined ? { method: init.method ?? 'POST', body: JSON.stringify(init.json), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function waitForWorkflow(platform: { url: string }, id: string, done: (w: Workflow) => boolean, timeoutMs = 60_000): Promise<Workflow> {
  const deadline = Date.now() + timeoutMs;
  let last: Workflow | undefined;
  while (Date.now() < deadline) {
    last = (await api<Workflow>(platform, `/workflows/${id}`)).body;
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`workflow ${id} did not reach the expected state; last: ${JSON.stringify(last?.status)} ${JSON.stringify(last?.steps.map((s) => [s.id, s.status, s.message]))}`);
}

export const ended = (w: Workflow) => ['succeeded', 'failed', 'cancelled'].includes(w.status);
