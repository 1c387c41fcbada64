// keda/: how each step function scales on the lag of its own command topic. A batch function is a
// ScaledJob (a Job per waiting command, each pod exits once idle); a long-running data consumer is a
// Deployment under a ScaledObject that rests at zero replicas. Kafka is reached with SCRAM over TLS.
import { controlTopicFor } from '../../shared/contracts/control.ts';
import { commandGroupFor } from '../../shared/contracts/names.ts';
import { COMMAND_PARTITIONS, type FunctionSpec } from '../registry.ts';
import { KAFKA_BOOTSTRAP, KAFKA_CA_SECRET, KEDA_USER, NAMESPACE, labelsOf } from './names.ts';
import { podMetadata, podSpec } from './pods.ts';
import { why } from './yaml.ts';

export const TRIGGER_AUTH = 'kafka-scram';
const SETTINGS_SECRET = 'keda-kafka-settings';

/** Where KEDA finds Kafka: the cluster's Strimzi with SCRAM (the default), or a plaintext local broker. */
export interface KafkaTarget {
  readonly bootstrap: string;
  readonly authenticated: boolean;
}

const CLUSTER_KAFKA: KafkaTarget = { bootstrap: KAFKA_BOOTSTRAP, authenticated: true };

function kafkaTrigger(spec: FunctionSpec, lagThreshold: number, kafka: KafkaTarget) {
  const target = spec.target!;
  return {
    type: 'kafka',
    name: 'commands',
    ...(kafka.authenticated ? { authenticationRef: { name: TRIGGER_AUTH } } : {}),
    metadata: {
      bootstrapServers: kafka.bootstrap,
      consumerGroup: why(commandGroupFor(target), 'the group the function reads its commands in'),
      topic: why(controlTopicFor(target).name, 'always set: without it a group that never committed can stay at zero forever'),
      lagThreshold: why(String(lagThreshold), 'one replica per waiting command'),
      activationLagThreshold: why('0', 'the first command wakes the function'),
      offsetResetPolicy: why('earliest', 'a group that never committed counts its retained commands as lag'),
      scaleToZeroOnInvalidOffset: why('false', "with earliest, true would hide a new group's first commands"),
      allowIdleConsumers: why('false', 'never more replicas than partitions: the extra ones would idle'),
    },
  };
}

export function scaledJob(spec: FunctionSpec, kafka: KafkaTarget = CLUSTER_KAFKA) {
  if (spec.scaling.kind !== 'job') throw new Error(`${spec.name} does not scale as a Job`);
  const { maxReplicas, lagThreshold, pollingIntervalSeconds, exitWhenIdleMs } = spec.scaling;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledJob',
    metadata: { name: spec.name, namespace: NAMESPACE, labels: labelsOf(spec) },
    spec: {
      jobTargetRef: {
        parallelism: 1,
        completions: 1,
        backoffLimit: why(2, "a pod that crashed leaves its command uncommitted: the next Job's pod takes it"),
        template: {
          metadata: podMetadata(spec),
          spec: podSpec(spec, {
            restartPolicy: 'Never',
            clusterSecrets: kafka.authenticated,
            env: [
              { name: 'JOB_NAME', valueFrom: { fieldRef: { fieldPath: "metadata.labels['job-name']" } } },
              { name: 'EXIT_WHEN_IDLE_MS', value: why(String(exitWhenIdleMs), 'the pod exits once idle this long, so the Job completes and the function returns to zero') },
            ],
          }),
        },
      },
      pollingInterval: why(pollingIntervalSeconds, 'seconds between lag checks: the longest a command waits for its Job'),
      maxReplicaCount: why(maxReplicas, `no more than the command topic's ${COMMAND_PARTITIONS} partitions`),
      successfulJobsHistoryLimit: why(3, 'enough to read the last runs, few enough to keep etcd small'),
      failedJobsHistoryLimit: why(5, 'failed Jobs are kept longer, to be looked at'),
      rollout: { strategy: why('gradual', 'a new template must not delete the Jobs running steps now') },
      scalingStrategy: { strategy: why('default', 'lag counts the commands still running (committed when their step ends): default subtracts running Jobs') },
      triggers: [kafkaTrigger(spec, lagThreshold, kafka)],
    },
  };
}

export function scaledConsumer(spec: FunctionSpec, kafka: KafkaTarget = CLUSTER_KAFKA, overrides: { cooldownSeconds?: number } = {}) {
  if (spec.scaling.kind !== 'consumer') throw new Error(`${spec.name} is not a long-running consumer`);
  const { maxReplicas, lagThreshold, pollingIntervalSeconds } = spec.scaling;
  const cooldownSeconds = overrides.cooldownSeconds ?? spec.scaling.cooldownSeconds;
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: spec.name, namespace: NAMESPACE, labels: labelsOf(spec) },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': spec.name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: { metadata: podMetadata(spec), spec: podSpec(spec, { clusterSecrets: kafka.authenticated }) },
    },
  };
  const scaledObject = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: spec.name, namespace: NAMESPACE, labels: labelsOf(spec) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: spec.name },
      minReplicaCount: why(0, 'no replica while no command waits or runs'),
      maxReplicaCount: why(maxReplicas, `no more than the command topic's ${COMMAND_PARTITIONS} partitions`),
      pollingInterval: why(pollingIntervalSeconds, 'seconds between lag checks: the longest a command waits to wake a replica'),
      cooldownPeriod: why(cooldownSeconds, 'seconds a replica stays after the last step, so the next one finds it warm'),
      triggers: [kafkaTrigger(spec, lagThreshold, kafka)],
    },
  };
  return [deployment, scaledObject];
}

/** KEDA's credentials for Kafka: SCRAM-SHA-512 over TLS, the password from the KafkaUser Strimzi made. */
export function triggerAuthentication() {
  const settings = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: SETTINGS_SECRET, namespace: NAMESPACE },
    type: 'Opaque',
    stringData: { sasl: 'scram_sha512', username: KEDA_USER, tls: 'enable' },
  };
  const auth = {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'TriggerAuthentication',
    metadata: { name: TRIGGER_AUTH, namespace: NAMESPACE },
    spec: {
      secretTargetRef: [
        { parameter: 'sasl', name: SETTINGS_SECRET, key: 'sasl' },
        { parameter: 'username', name: SETTINGS_SECRET, key: 'username' },
        { parameter: 'password', name: why(KEDA_USER, 'the Secret Strimzi creates for the KafkaUser'), key: 'password' },
        { parameter: 'tls', name: SETTINGS_SECRET, key: 'tls' },
        { parameter: 'ca', name: why(KAFKA_CA_SECRET, "Strimzi's cluster CA, to trust the brokers"), key: 'ca.crt' },
      ],
    },
  };
  return [settings, auth];
}
