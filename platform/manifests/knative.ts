// knative/: the HTTP functions as Knative Services that may scale to zero, and the KafkaSource that
// delivers queue-events to the orchestrator as CloudEvents, so it need not stay up to consume them.
import { eventsTopic } from '../../shared/contracts/events.ts';
import { GROUPS } from '../../shared/contracts/names.ts';
import type { FunctionSpec } from '../registry.ts';
import { KAFKA_BOOTSTRAP, KAFKA_CA_SECRET, NAMESPACE, labelsOf } from './names.ts';
import { podSpec } from './pods.ts';
import { why } from './yaml.ts';

/** The path the orchestrator takes CloudEvents on. */
export const EVENTS_PATH = '/events';
const SOURCE_USER = 'queue-events-source';

/** What differs between the HTTP functions: their own settings, and why each scales as it does. */
const SERVICES: Record<string, { readonly env: readonly object[]; readonly minScale: string; readonly maxScale: string }> = {
  orchestrator: {
    env: [
      { name: 'EVENTS_FROM', value: why('cloudevents', 'queue-events arrive from the KafkaSource, so the service may sleep') },
      { name: 'LAUNCH_MODE', value: why('keda', 'KEDA starts the step functions; the orchestrator watches their pods') },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ],
    minScale: 'it may sleep: events reach it through the KafkaSource',
    maxScale: 'one engine serializes a workflow’s updates',
  },
  visualizer: {
    env: [{ name: 'ORCHESTRATOR_URL', value: why(`http://orchestrator.${NAMESPACE}.svc.cluster.local`, 'workflows and their changes, through Knative') }],
    minScale: 'it may sleep while no page is open',
    maxScale: 'one member of visualizer-group reads each live topic (one partition per symbol)',
  },
  'rl-agent-live': {
    env: [{ name: 'ORCHESTRATOR_URL', value: why(`http://orchestrator.${NAMESPACE}.svc.cluster.local`, 'which workflows stream live candles, through Knative') }],
    minScale: 'it must hear every closed candle: no request wakes it',
    maxScale: 'one member of rl-agent-group reads each live topic, and the paper positions live in memory',
  },
};

export function knativeService(spec: FunctionSpec) {
  if (spec.scaling.kind !== 'service') throw new Error(`${spec.name} is not an HTTP service`);
  const { minScale, maxScale, concurrency } = spec.scaling;
  const service = SERVICES[spec.name];
  if (!service) throw new Error(`knative.ts does not say how ${spec.name} is served; add it to SERVICES`);
  const pod = podSpec(spec, { knative: true, env: service.env });
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: spec.name, namespace: NAMESPACE, labels: labelsOf(spec) },
    spec: {
      template: {
        metadata: {
          labels: labelsOf(spec),
          annotations: {
            'autoscaling.knative.dev/min-scale': why(String(minScale), service.minScale),
            'autoscaling.knative.dev/max-scale': why(String(maxScale), service.maxScale),
          },
        },
        spec: {
          containerConcurrency: why(concurrency, 'requests one instance serves at once'),
          timeoutSeconds: why(300, 'long enough for a WebSocket follower of a long workflow to reconnect rarely'),
          ...pod,
        },
      },
    },
  };
}

/** queue-events to the orchestrator as CloudEvents, in the seed's consumer group. */
export function eventsSource(orchestrator: FunctionSpec) {
  return {
    apiVersion: 'sources.knative.dev/v1beta1',
    kind: 'KafkaSource',
    metadata: { name: 'queue-events', namespace: NAMESPACE, labels: labelsOf(orchestrator) },
    spec: {
      consumerGroup: why(GROUPS.orchestrator, "the seed's queue-manager group, with its own offsets"),
      bootstrapServers: [KAFKA_BOOTSTRAP],
      topics: [eventsTopic.name],
      net: {
        sasl: {
          enable: true,
          user: { secretKeyRef: { name: 'queue-events-source-settings', key: 'user' } },
          password: { secretKeyRef: { name: SOURCE_USER, key: 'password' } },
          type: { secretKeyRef: { name: 'queue-events-source-settings', key: 'saslType' } },
        },
        tls: { enable: true, caCert: { secretKeyRef: { name: KAFKA_CA_SECRET, key: 'ca.crt' } } },
      },
      delivery: {
        retry: why(10, 'a 5xx is redelivered: the orchestrator answers 2xx only once an event is applied'),
        backoffPolicy: 'exponential',
        backoffDelay: 'PT0.5S',
      },
      sink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: orchestrator.name }, uri: EVENTS_PATH },
    },
  };
}

export function eventsSourceSettings() {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'queue-events-source-settings', namespace: NAMESPACE },
    type: 'Opaque',
    stringData: { user: SOURCE_USER, saslType: 'SCRAM-SHA-512' },
  };
}

export const KNATIVE_SOURCE_USER = SOURCE_USER;
