// The orchestrator in a Kubernetes cluster (@kubernetes/client-node). In `jobs` mode it starts a Job per
// step, given the step's command (the seed's way); in every cluster mode it watches the functions' pods
// and reports a pod that fails (OOMKilled, an image that cannot be pulled, a crash loop) at once, so the
// step fails with that reason instead of waiting for its heartbeat to time out.
import { createHash } from 'node:crypto';
import { BatchV1Api, KubeConfig, type V1Job, type V1Pod, type V1PodTemplateSpec, Watch } from '@kubernetes/client-node';
import { z } from 'zod';
import { type ControlCommand, controlCommandSchema } from '../../shared/contracts/control.ts';
import type { Step } from '../../shared/contracts/workflow.ts';

export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
export const TARGET_LABEL = 'streamforge.io/target';
const STEP_ANNOTATION = 'streamforge.io/step';

/** What the launcher saw of a pod: which Job and function it belongs to, and why it failed if it did. */
export interface PodReport {
  readonly name: string;
  readonly job: string | undefined;
  readonly target: string | undefined;
  readonly failure: string | undefined;
  /** The pod can never start (its image, its configuration): no step it would run can succeed. */
  readonly cannotStart: boolean;
}

export interface Launcher {
  readonly mode: 'keda' | 'jobs';
  /** jobs mode: starts a Job running this step's command; resolves to the Job's name. */
  launch(step: Step, command: ControlCommand, workflowId: string): Promise<string>;
  /** Removes a step's Job (its pod gets SIGTERM). */
  remove(job: string): Promise<void>;
  /** Follows the functions' pods until closed; a dropped watch is started again. */
  watch(onPod: (pod: PodReport) => void): void;
  close(): void;
}

export interface LauncherOptions {
  readonly mode: 'keda' | 'jobs';
  readonly namespace: string;
  /** The pod each function's Job runs (the same pod the cluster's manifests give it). */
  readonly podTemplate: (target: string) => V1PodTemplateSpec;
  /** Defaults to in-cluster credentials, or KUBECONFIG. */
  readonly kubeConfig?: KubeConfig;
  readonly onError?: (error: unknown) => void;
}

const CANNOT_START = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);
const CRASHING = new Set(['CrashLoopBackOff', 'RunContainerError']);

/**
 * Why a pod failed in a way its step cannot get past, or undefined. OOMKilled, an image that cannot be
 * pulled, a configuration that cannot be met and a crash loop would fail the same way on any pod. A pod
 * that merely died (a node lost, SIGKILL, an exit) is not one of them: its command is redelivered to
 * the next pod (KEDA's next Job, the Job's next try), as the contract of the command topic promises.
 */
export function podFailure(pod: V1Pod): { reason: string; cannotStart: boolean } | undefined {
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = status.state?.waiting;
    if (waiting?.reason && (CANNOT_START.has(waiting.reason) || CRASHING.has(waiting.reason))) {
      return { reason: `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`, cannotStart: CANNOT_START.has(waiting.reason) };
    }
    const terminated = status.state?.terminated ?? status.lastState?.terminated;
    if (terminated?.reason === 'OOMKilled')
      return { reason: `OOMKilled: container ${status.name} went over its memory limit (exit code ${terminated.exitCode})`, cannotStart: false };
  }
  return undefined;
}

export function reportOf(pod: V1Pod): PodReport {
  const failure = podFailure(pod);
  return {
    name: pod.metadata?.name ?? '',
    job: pod.metadata?.labels?.['job-name'],
    target: pod.metadata?.labels?.[TARGET_LABEL],
    failure: failure?.reason,
    cannotStart: failure?.cannotStart ?? false,
  };
}

/** A Job's name for a step: the function and a digest of the step (names are at most 63 characters). */
export const jobNameFor = (step: Step) => `${step.target}-${createHash('sha256').update(step.id).digest('hex').slice(0, 10)}`;

export function createKubeLauncher(options: LauncherOptions): Launcher {
  const kubeConfig = options.kubeConfig ?? loadKubeConfig();
  const batch = kubeConfig.makeApiClient(BatchV1Api);
  let closed = false;
  let current: AbortController | undefined;
  const onError = options.onError ?? (() => undefined);

  return {
    mode: options.mode,
    async launch(step, command, workflowId) {
      const name = jobNameFor(step);
      const template = structuredClone(options.podTemplate(step.target));
      const container = template.spec!.containers[0]!;
      container.env = [
        ...(container.env ?? []),
        { name: 'STEP_COMMAND', value: JSON.stringify(z.encode(controlCommandSchema, command)) },
        { name: 'STEP_WORKFLOW_ID', value: workflowId },
      ];
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, [TARGET_LABEL]: step.target } };
      template.spec!.restartPolicy = 'Never';
      const job: V1Job = {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, labels: { [PART_OF_LABEL]: 'streamforge', [TARGET_LABEL]: step.target }, annotations: { [STEP_ANNOTATION]: step.id } },
        // A crashed pod is started again twice; a finished Job is removed after an hour.
        spec: { backoffLimit: 2, ttlSecondsAfterFinished: 3600, template },
      };
      try {
        await batch.createNamespacedJob({ namespace: options.namespace, body: job });
      } catch (error) {
        // The same step launched again (an orchestrator restart): its Job already exists.
        if ((error as { code?: number }).code !== 409) throw error;
      }
      return name;
    },
    async remove(job) {
      try {
        await batch.deleteNamespacedJob({ name: job, namespace: options.namespace, propagationPolicy: 'Background' });
      } catch (error) {
        if ((error as { code?: number }).code !== 404) throw error;
      }
    },
    watch(onPod) {
      const watcher = new Watch(kubeConfig);
      const follow = async () => {
        if (closed) return;
        try {
          current = await watcher.watch(
            `/api/v1/namespaces/${options.namespace}/pods`,
            { labelSelector: `${PART_OF_LABEL}=streamforge` },
            (phase, pod: V1Pod) => {
              if (phase === 'ADDED' || phase === 'MODIFIED') onPod(reportOf(pod));
            },
            (error) => {
              if (error) onError(error);
              if (!closed) setTimeout(() => void follow(), 1000).unref();
            },
          );
        } catch (error) {
          onError(error);
          if (!closed) setTimeout(() => void follow(), 2000).unref();
        }
      };
      void follow();
    },
    close() {
      closed = true;
      current?.abort();
    },
  };
}

function loadKubeConfig(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}
