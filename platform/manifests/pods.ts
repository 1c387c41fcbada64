// The pod every function runs in, whoever scales it (a KEDA ScaledJob or ScaledObject, Knative): its
// image, configuration and credentials, probes, requests and limits, and a locked-down security context.
import type { V1PodTemplateSpec } from '@kubernetes/client-node';
import type { FunctionSpec } from '../registry.ts';
import { CONFIG_MAP, RESULTS_SECRET, S3_SECRET, imageOf, labelsOf } from './names.ts';
import { unwrapReasons, why } from './yaml.ts';

/** Non-root, read-only root filesystem, no privilege escalation, no capabilities, the runtime's seccomp profile. */
export const containerSecurity = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

export const podSecurity = { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } };

export interface ContainerOptions {
  /** Knative sets PORT itself and probes the container's one port; elsewhere the pod says it. */
  readonly knative?: boolean;
  readonly env?: readonly object[];
  /**
   * Credentials from the cluster's Secrets: a Kafka SCRAM user per function, and the model registry's S3
   * key for functions that use the object store. Off on the local control plane (a plaintext broker,
   * objects on the machine's disk).
   */
  readonly clusterSecrets?: boolean;
}

export function container(spec: FunctionSpec, options: ContainerOptions = {}) {
  const port = options.knative ? undefined : 8080;
  const probe = (path: string, period: number) => ({ httpGet: { path, ...(port ? { port } : {}) }, periodSeconds: period, timeoutSeconds: 3, failureThreshold: 3 });
  return {
    name: spec.name,
    image: imageOf(spec),
    ...(port ? { ports: [{ name: 'http', containerPort: port }] } : { ports: [{ containerPort: 8080 }] }),
    envFrom: [{ configMapRef: { name: CONFIG_MAP } }],
    env: [
      ...(port ? [{ name: 'PORT', value: String(port) }] : []),
      ...(options.clusterSecrets === false
        ? []
        : [
            { name: 'KAFKA_SASL_USERNAME', value: spec.name },
            { name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: spec.name, key: 'password' } } },
            ...(spec.usesObjects
              ? [
                  { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: S3_SECRET, key: 'accessKeyId' } } },
                  { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: S3_SECRET, key: 'secretAccessKey' } } },
                ]
              : []),
            ...(spec.usesResults ? [{ name: 'RESULTS_DATABASE_URL', valueFrom: { secretKeyRef: { name: RESULTS_SECRET, key: 'url' } } }] : []),
          ]),
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      ...(options.env ?? []),
    ],
    readinessProbe: probe('/readyz', 5),
    livenessProbe: { ...probe('/livez', 10), initialDelaySeconds: 5 },
    resources: spec.resources,
    securityContext: containerSecurity,
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/** The pod spec around the container: its own ServiceAccount, a writable /tmp on a read-only root. */
export function podSpec(spec: FunctionSpec, options: ContainerOptions & { restartPolicy?: string; terminationGracePeriodSeconds?: number } = {}) {
  return {
    serviceAccountName: spec.name,
    automountServiceAccountToken: why(spec.name === 'orchestrator', spec.name === 'orchestrator' ? 'it creates and watches Jobs' : 'it never talks to the API server'),
    securityContext: podSecurity,
    ...(options.restartPolicy ? { restartPolicy: options.restartPolicy } : {}),
    // Knative sets the grace period itself (from the revision's timeout).
    ...(options.knative ? {} : { terminationGracePeriodSeconds: why(options.terminationGracePeriodSeconds ?? 30, 'SIGTERM drains within DRAIN_TIMEOUT_MS (25 s), then SIGKILL') }),
    containers: [container(spec, options)],
    volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
  };
}

export const podMetadata = (spec: FunctionSpec) => ({ labels: labelsOf(spec) });

/** A step function's pod for a Job the orchestrator starts (jobs mode): it runs its STEP_COMMAND and exits. */
export function jobPod(spec: FunctionSpec): V1PodTemplateSpec {
  return {
    metadata: podMetadata(spec),
    spec: unwrapReasons(
      podSpec(spec, { restartPolicy: 'Never', env: [{ name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } }] }),
    ) as V1PodTemplateSpec['spec'],
  };
}
