// The cold path with the real KEDA operator: from POST /workflows to the first record persisted when every
// step function is at zero, beside the warm path (the functions' pods still up from the workflow before),
// and how much of the cold path is waiting for KEDA's next look at the lag (the Job's creation).
import { BatchV1Api, KubeConfig } from '@kubernetes/client-node';
import { clusterDown } from '../platform/cluster/down.ts';
import { clusterUp } from '../platform/cluster/up.ts';
import { FUNCTIONS } from '../platform/registry.ts';

export interface ColdPath {
  readonly coldMs: number;
  readonly untilJobMs: number;
  readonly warmMs: number;
  readonly pollingIntervalSeconds: number;
}

const REQUEST = (day: string) => ({ symbols: ['BTCUSDT'], types: ['api_candles_5m'], time_range: `2024-08-${day}:2024-08-${String(Number(day) + 1).padStart(2, '0')}` });

async function firstRecord(apiUrl: string, day: string): Promise<{ ms: number; postedAt: number }> {
  const postedAt = Date.now();
  const started = performance.now();
  const response = await fetch(`${apiUrl}/workflows`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(REQUEST(day)) });
  const { id } = (await response.json()) as { id: string };
  for (;;) {
    const workflow = (await (await fetch(`${apiUrl}/workflows/${id}`)).json()) as { status: string; steps: { target: string; records_written: number }[] };
    if (workflow.steps.some((s) => s.target === 'arango-connector' && s.records_written > 0) || workflow.status === 'succeeded')
      return { ms: performance.now() - started, postedAt };
    if (workflow.status === 'failed' || workflow.status === 'cancelled') throw new Error(`cold-path workflow ${workflow.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function benchColdPath(): Promise<ColdPath> {
  const name = `bench-${process.pid}`;
  const state = await clusterUp({ name, cooldownSeconds: 30 });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(state.kubeconfig);
    const batch = kc.makeApiClient(BatchV1Api);
    const cold = await firstRecord(state.apiUrl, '01');
    const job = (await batch.listNamespacedJob({ namespace: 'streamforge', labelSelector: 'scaledjob.keda.sh/name=loader' })).items.sort(
      (a, b) => Date.parse(String(a.metadata!.creationTimestamp)) - Date.parse(String(b.metadata!.creationTimestamp)),
    )[0]!;
    // The loader's pod waits EXIT_WHEN_IDLE_MS for more and the persister its cooldown: both still up.
    const warm = await firstRecord(state.apiUrl, '02');
    const loader = FUNCTIONS.find((f) => f.name === 'loader')!;
    return {
      coldMs: cold.ms,
      untilJobMs: Date.parse(String(job.metadata!.creationTimestamp)) - cold.postedAt,
      warmMs: warm.ms,
      pollingIntervalSeconds: loader.scaling.kind === 'job' ? loader.scaling.pollingIntervalSeconds : 0,
    };
  } finally {
    await clusterDown(name);
  }
}
