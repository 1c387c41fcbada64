// The orchestrator's launcher against a real API server: in jobs mode each step becomes a Job carrying
// its command; when a step's pod fails (OOMKilled, an image that cannot be pulled) the step fails within
// seconds with that reason, and the rest of the workflow's Jobs are removed.
import { randomUUID } from 'node:crypto';
import { BatchV1Api, CoreV1Api, KubeConfig, type V1ContainerStatus, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKubeLauncher, jobNameFor } from '../../functions/orchestrator/launcher.ts';
import { WorkflowEngine } from '../../functions/orchestrator/engine.ts';
import { functionNamed } from '../../platform/registry.ts';
import { jobPod } from '../../platform/manifests/pods.ts';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../../shared/adapters/embedded/sqlite-store.ts';
import { controlCommandSchema } from '../../shared/contracts/control.ts';
import { type Workflow, workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { Instrumentation } from '../../shared/harness/instrumentation.ts';
import { silentLogger } from '../../shared/logger.ts';
import { until } from '../helpers.ts';

const kubeConfig = new KubeConfig();
const namespace = `launcher-${randomUUID().slice(0, 8)}`;
let core: CoreV1Api;
let batch: BatchV1Api;
let engine: WorkflowEngine;

const request = (day: string) =>
  workflowRequestSchema.parse({ symbols: ['BTCUSDT'], types: ['api_trades'], time_range: `2024-08-${day}:2024-08-${String(Number(day) + 1).padStart(2, '0')}` });
const podTemplate = (target: string) => jobPod(functionNamed(target === 'loader-producer' ? 'loader' : 'persister'));

/** The pod the Job controller made for a Job. */
async function podOf(job: string): Promise<V1Pod> {
  let pod: V1Pod | undefined;
  await until(
    `a pod for Job ${job}`,
    async () => {
      pod = (await core.listNamespacedPod({ namespace, labelSelector: `job-name=${job}` })).items[0];
      return pod !== undefined;
    },
    30_000,
  );
  return pod!;
}

/** What a kubelet would report: the container's state, written to the pod's status. */
async function reportContainer(pod: V1Pod, state: V1ContainerStatus['state'], phase: string) {
  const fresh = await core.readNamespacedPod({ name: pod.metadata!.name!, namespace });
  const container = fresh.spec!.containers[0]!;
  fresh.status = {
    ...fresh.status,
    phase,
    containerStatuses: [{ name: container.name, image: container.image!, imageID: '', ready: false, restartCount: 0, ...(state ? { state } : {}) }],
  };
  await core.replaceNamespacedPodStatus({ name: fresh.metadata!.name!, namespace, body: fresh });
}

async function failedWithin(id: string, ms: number): Promise<{ workflow: Workflow; elapsed: number }> {
  const started = Date.now();
  await until(`workflow ${id} to fail`, async () => (await engine.get(id))!.status === 'failed', ms);
  return { workflow: (await engine.get(id))!, elapsed: Date.now() - started };
}

describe('launcher on a real API server (jobs mode)', () => {
  beforeAll(async () => {
    kubeConfig.loadFromDefault();
    core = kubeConfig.makeApiClient(CoreV1Api);
    batch = kubeConfig.makeApiClient(BatchV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    for (const name of ['loader', 'persister']) await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
    const launcher = createKubeLauncher({ mode: 'jobs', namespace, podTemplate, kubeConfig });
    engine = new WorkflowEngine({
      bus: new MemoryBus(),
      store: new SqliteStore(':memory:'),
      logger: silentLogger,
      instrumentation: new Instrumentation(),
      image: (t) => `streamforge/${t}:test`,
      launcher,
      checkEveryMs: 50,
    });
    await engine.start();
  });

  afterAll(async () => {
    await engine?.stop();
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("starts a Job per step that carries the step's command, in the pod the manifests give the function", async () => {
    const workflow = await engine.create(request('01'));
    const jobs = (await batch.listNamespacedJob({ namespace })).items;
    const loaderStep = workflow.steps.find((s) => s.target === 'loader-producer')!;
    const job = jobs.find((j) => j.metadata!.name === jobNameFor(loaderStep))!;
    expect(job).toBeDefined();
    expect(jobs.map((j) => j.metadata!.name).sort()).toEqual(workflow.steps.map(jobNameFor).sort());
    const container = job.spec!.template.spec!.containers[0]!;
    expect(container.image).toBe('streamforge/loader:0.1.0');
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true });
    const command = controlCommandSchema.parse(JSON.parse(container.env!.find((e) => e.name === 'STEP_COMMAND')!.value!));
    expect(command).toMatchObject({ command: 'start', queue_id: loaderStep.queue_id, target: 'loader-producer', kafka_topic: loaderStep.kafka_topic });
    expect((await engine.get(workflow.id))!.steps.find((s) => s.id === loaderStep.id)!.job).toBe(jobNameFor(loaderStep));
    await engine.cancel(workflow.id);
    await until(
      'the Jobs of the cancelled workflow to go',
      async () => (await batch.listNamespacedJob({ namespace })).items.every((j) => j.metadata!.deletionTimestamp || !jobs.some((old) => old.metadata!.name === j.metadata!.name)),
      20_000,
    );
  });

  it('fails a step within seconds when its pod is OOMKilled, with that reason, and removes the other Jobs', async () => {
    const workflow = await engine.create(request('02'));
    const loaderStep = workflow.steps.find((s) => s.target === 'loader-producer')!;
    const pod = await podOf(jobNameFor(loaderStep));
    await reportContainer(pod, { terminated: { exitCode: 137, reason: 'OOMKilled' } }, 'Failed');
    const { workflow: failed, elapsed } = await failedWithin(workflow.id, 10_000);
    expect(elapsed).toBeLessThan(5_000);
    const step = failed.steps.find((s) => s.id === loaderStep.id)!;
    expect(step).toMatchObject({
      status: 'failed',
      pod: pod.metadata!.name,
      message: `pod ${pod.metadata!.name} failed: OOMKilled: container loader went over its memory limit (exit code 137)`,
    });
    expect(failed.reason).toBe(`loader-producer BTCUSDT api_trades: ${step.message}`);
    const persisterJob = jobNameFor(failed.steps.find((s) => s.target === 'arango-connector')!);
    await until(
      'the persister Job to be removed',
      async () => {
        const job = (await batch.listNamespacedJob({ namespace })).items.find((j) => j.metadata!.name === persisterJob);
        return !job || job.metadata!.deletionTimestamp !== undefined;
      },
      20_000,
    );
  });

  it("fails a step within seconds when its image cannot be pulled, with the kubelet's reason", async () => {
    const workflow = await engine.create(request('03'));
    const persisterStep = workflow.steps.find((s) => s.target === 'arango-connector')!;
    const pod = await podOf(jobNameFor(persisterStep));
    await reportContainer(pod, { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "streamforge/persister:0.1.0"' } }, 'Pending');
    const { workflow: failed, elapsed } = await failedWithin(workflow.id, 10_000);
    expect(elapsed).toBeLessThan(5_000);
    expect(failed.steps.find((s) => s.id === persisterStep.id)!.message).toBe(
      `pod ${pod.metadata!.name} failed: ImagePullBackOff: Back-off pulling image "streamforge/persister:0.1.0"`,
    );
  });
});
