// Scale to zero with the real KEDA operator: a local control plane, the KEDA operator built from its
// module, a local Kafka broker, and the process node running the platform's pods as processes. Every
// step function starts at zero; a workflow's commands are lag KEDA sees; its Jobs' pods do the work; it
// all goes back to zero.
import { execFileSync } from 'node:child_process';
import { BatchV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDown } from '../../platform/cluster/down.ts';
import type { ClusterState } from '../../platform/cluster/state.ts';
import { clusterStatus } from '../../platform/cluster/status.ts';
import { clusterUp } from '../../platform/cluster/up.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { DAY_COUNTS, api, ended, getWorkflow, persistedCounts, until, waitForWorkflow } from '../helpers.ts';

const NAME = `keda-${process.pid}`;
const request = (day: string) => ({
  symbols: ['BTCUSDT', 'ETHUSDT'],
  types: ['api_candles_5m', 'api_trades'],
  time_range: `2024-08-${day}:2024-08-${String(Number(day) + 1).padStart(2, '0')}`,
});
let state: ClusterState;
let orchestrator: { url: string };

/** Function processes on this machine, by bundle. */
const processesOf = (bundle: string) => {
  try {
    return execFileSync('pgrep', ['-f', `dist/${bundle}.mjs`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
};

const storedTrades = async (collection: string) => {
  const store = new SqliteStore(`${state.dataDir}/store.db`);
  try {
    return await store.count(collection);
  } finally {
    await store.close();
  }
};

const atZero = async () => {
  const status = await clusterStatus(state);
  return (
    [...status.scaledJobs, ...status.scaledObjects].every((s) => s.activeJobs === 0 && s.pods === 0) &&
    ['loader', 'loader-ws', 'persister', 'graph-builder', 'gnn-trainer', 'rl-agent', 'backtester'].every((fn) => processesOf(fn).length === 0)
  );
};

describe('scale to zero with the real KEDA operator', () => {
  beforeAll(async () => {
    state = await clusterUp({ name: NAME, cooldownSeconds: 10, log: (line) => console.log(line) });
    orchestrator = { url: state.apiUrl };
  });

  afterAll(async () => {
    await fetch(`${state?.restUrl}/sim/faults/release`, { method: 'POST' }).catch(() => undefined);
    await clusterDown(NAME);
    for (const fn of ['loader', 'loader-ws', 'persister', 'graph-builder', 'gnn-trainer', 'rl-agent', 'backtester', 'orchestrator']) expect(processesOf(fn), fn).toEqual([]);
  });

  it('wakes the functions from zero on lag, runs the workflow to exact counts, and goes back to zero', async () => {
    const before = await clusterStatus(state);
    expect(before.scaledJobs.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      ['backtester', 'gnn-trainer', 'graph-builder', 'loader', 'rl-agent'].map((name) => ({ name, kind: 'ScaledJob', lag: 0, activeJobs: 0, pods: 0 })),
    );
    expect(before.scaledObjects).toEqual([
      { name: 'loader-ws', kind: 'ScaledObject', lag: 0, activeJobs: 0, pods: 0 },
      { name: 'persister', kind: 'ScaledObject', lag: 0, activeJobs: 0, pods: 0 },
    ]);
    expect(processesOf('loader')).toEqual([]);

    const { body } = await api(orchestrator, '/workflows', { json: request('01') });
    const kc = new KubeConfig();
    kc.loadFromFile(state.kubeconfig);
    const batch = kc.makeApiClient(BatchV1Api);
    await until(
      'KEDA to create a loader Job',
      async () => (await batch.listNamespacedJob({ namespace: 'streamforge', labelSelector: 'scaledjob.keda.sh/name=loader' })).items.length > 0,
      60_000,
    );

    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 300_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    for (const step of workflow.steps) {
      expect(step.pod, step.id).toMatch(step.target === 'loader-producer' ? /^loader-/ : /^persister-/);
      if (step.target === 'loader-producer') expect(step.job).toMatch(/^loader-/);
    }
    expect(workflow.launch).toBe('keda');

    await until('every function back at zero, and no function process left', atZero, 120_000);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const scaledJob = (await custom.getNamespacedCustomObject({ group: 'keda.sh', version: 'v1alpha1', namespace: 'streamforge', plural: 'scaledjobs', name: 'loader' })) as {
      status?: { conditions?: { type: string; status: string }[] };
    };
    expect(scaledJob.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
  });

  it('wakes loader-ws from zero for a live workflow, keeps it up while the workflow streams, and lets it rest at zero once cancelled', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const { body } = await api(orchestrator, '/workflows', { json: { symbols: ['BTCUSDT'], types: ['ws_trades', 'ws_depth'], time_range: `${today}:${tomorrow}` } });
    const loaderWs = async () => (await clusterStatus(state)).scaledObjects.find((s) => s.name === 'loader-ws')!;
    await until('KEDA to start a loader-ws pod on its command lag', async () => (await loaderWs()).pods > 0, 90_000);
    const streaming = await waitForWorkflow(
      orchestrator,
      body.id,
      (w) => w.steps.every((s) => s.status === 'running') && w.steps.find((s) => s.target === 'arango-connector')!.records_written >= 2,
      120_000,
    );
    for (const step of streaming.steps) expect(step.pod, step.id).toMatch(step.target === 'loader-ws' ? /^loader-ws-/ : /^persister-/);
    expect(streaming.steps.find((s) => s.type.kind === 'depth')!.message).toMatch(/^Streaming: [1-9]\d* records live/);
    // The running step's command is not committed: its lag holds the Deployment up past the cooldown.
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    expect((await loaderWs()).pods).toBeGreaterThan(0);

    expect((await api(orchestrator, `/workflows/${body.id}/cancel`, { method: 'POST' })).status).toBe(200);
    const cancelled = await waitForWorkflow(orchestrator, body.id, ended);
    expect(cancelled.steps.map((s) => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    await until('every function back at zero, and no function process left', atZero, 120_000);
  });

  it('redelivers the step of a pod killed with SIGKILL to a new Job, and the counts stay exact', async () => {
    await fetch(`${state.restUrl}/sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/api/v3/aggTrades', kind: 'hold', afterRequests: 10, count: 1000 }),
    });
    const { body } = await api(orchestrator, '/workflows', { json: request('03') });
    await until(
      'the loader held mid-load with part of the trades stored',
      async () => {
        const held = ((await (await fetch(`${state.restUrl}/sim/faults`)).json()) as { held: number }).held;
        return held > 0 && (await storedTrades('btcusdt_api_trades_2024_08_03')) + (await storedTrades('ethusdt_api_trades_2024_08_03')) > 0;
      },
      180_000,
    );
    const killed = processesOf('loader');
    expect(killed.length).toBeGreaterThan(0);
    execFileSync('pkill', ['-KILL', '-f', 'dist/loader.mjs']);
    await fetch(`${state.restUrl}/sim/faults/release`, { method: 'POST' });
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 300_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    expect(persistedCounts(workflow)).toEqual(DAY_COUNTS);
    expect(await storedTrades('btcusdt_api_trades_2024_08_03')).toBe(28_800);
    await until('every function back at zero', atZero, 120_000);
  });

  it('runs load → persist → graph → train with graph-builder and gnn-trainer Jobs woken from zero, and registers the model', async () => {
    const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
    const { body } = await api(orchestrator, '/workflows', {
      json: { symbols, types: ['api_candles_5m'], time_range: '2024-08-10:2024-08-14', pipeline: ['graph', 'train'] },
    });
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 420_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    const graph = workflow.steps.find((s) => s.target === 'graph-builder')!;
    const train = workflow.steps.find((s) => s.target === 'gnn-trainer')!;
    expect(graph.job).toMatch(/^graph-builder-/);
    expect(train.job).toMatch(/^gnn-trainer-/);
    expect(graph.result).toMatchObject({ kind: 'graph', windows: 48, vertices: 144, missing: [] });
    expect(train.result).toMatchObject({ kind: 'train', model: expect.stringMatching(/^models:\/gcn-direction\/\d+$/) });
    const { status, body: version } = await api(orchestrator, `/models/gcn-direction/versions/${train.result?.kind === 'train' ? train.result.version : 0}`);
    expect(status).toBe(200);
    expect(version.lineage).toMatchObject({ workflow_id: workflow.id, symbols, graph: graph.collection_name });
    await until('every function back at zero, and no function process left', atZero, 120_000);
  });

  it('reports a pod over its memory limit as OOMKilled, and the orchestrator fails its step with that reason', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(state.kubeconfig);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const scaledJob = (await custom.getNamespacedCustomObject({ group: 'keda.sh', version: 'v1alpha1', namespace: 'streamforge', plural: 'scaledjobs', name: 'loader' })) as {
      spec: { jobTargetRef: { template: { spec: { containers: { resources: { limits: Record<string, string>; requests: Record<string, string> } }[] } } } };
    };
    // Less than Node itself needs: the first loader pod goes over it as it starts.
    const resources = scaledJob.spec.jobTargetRef.template.spec.containers[0]!.resources;
    resources.limits.memory = '40Mi';
    resources.requests.memory = '40Mi';
    await custom.replaceNamespacedCustomObject({ group: 'keda.sh', version: 'v1alpha1', namespace: 'streamforge', plural: 'scaledjobs', name: 'loader', body: scaledJob });
    await until('the loader pods of the workflows before to be gone', atZero, 120_000);
    const { body } = await api(orchestrator, '/workflows', { json: { ...request('05'), symbols: ['BTCUSDT'], types: ['api_trades'] } });
    const workflow = await waitForWorkflow(orchestrator, body.id, ended, 180_000);
    expect(workflow.status).toBe('failed');
    const loader = workflow.steps.find((s) => s.target === 'loader-producer')!;
    expect(loader.message).toMatch(/^pod loader-[a-z0-9-]+ failed: OOMKilled: container loader went over its memory limit \(exit code 137\)$/);
    expect((await getWorkflow(orchestrator, body.id)).reason).toMatch(/OOMKilled/);
  });
});
