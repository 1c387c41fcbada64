// The manifests `streamforge cluster up` applies to the local control plane: the same ServiceAccounts,
// RBAC, ScaledJob and ScaledObject as in the cluster, with local values: a plaintext broker on loopback
// (no SCRAM, no TLS), the SQLite store every process on the machine shares, the exchange it was given,
// and the orchestrator as a Deployment (no Knative here) that reads queue-events itself.
import { FUNCTIONS, functionNamed } from '../registry.ts';
import { namespace, rbac, serviceAccounts } from './cluster.ts';
import { type KafkaTarget, scaledConsumer, scaledJob } from './keda.ts';
import { CONFIG_MAP, NAMESPACE, labelsOf } from './names.ts';
import { podMetadata, podSpec } from './pods.ts';
import { unwrapReasons } from './yaml.ts';

export interface LocalCluster {
  /** host:port of the local broker. */
  readonly brokers: string;
  /** The exchange the loader reads. */
  readonly restUrl: string;
  /** Where the shared SQLite store lives (an absolute path). */
  readonly dataDir: string;
  /** A persister replica's rest after its last step: short here, so a test sees it go back to zero. */
  readonly cooldownSeconds?: number;
  /** The orchestrator's credentials for the API server (its ServiceAccount's token): the process node mounts no token. */
  readonly orchestratorKubeconfig: string;
}

export function localManifests(local: LocalCluster): object[] {
  const kafka: KafkaTarget = { bootstrap: local.brokers, authenticated: false };
  const config = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: CONFIG_MAP, namespace: NAMESPACE },
    data: { BUS: 'kafka', KAFKA_BROKERS: local.brokers, STORE: 'sqlite', DATA_DIR: local.dataDir, BINANCE_REST_URL: local.restUrl, LOG_LEVEL: 'info' },
  };
  const orchestratorSpec = functionNamed('orchestrator');
  const orchestrator = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: orchestratorSpec.name, namespace: NAMESPACE, labels: labelsOf(orchestratorSpec) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': orchestratorSpec.name } },
      template: {
        metadata: podMetadata(orchestratorSpec),
        spec: podSpec(orchestratorSpec, {
          clusterSecrets: false,
          env: [
            { name: 'LAUNCH_MODE', value: 'keda' },
            { name: 'KUBECONFIG', value: local.orchestratorKubeconfig },
            { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          ],
        }),
      },
    },
  };
  const steps = FUNCTIONS.flatMap((spec): object[] => {
    if (spec.scaling.kind === 'job') return [scaledJob(spec, kafka)];
    if (spec.scaling.kind === 'consumer') {
      const [deployment, scaledObject] = scaledConsumer(spec, kafka, local.cooldownSeconds === undefined ? {} : { cooldownSeconds: local.cooldownSeconds });
      // Applied once to a fresh cluster: start at zero rather than wait a cooldown for KEDA to get there.
      const resting = deployment as { spec: Record<string, unknown> };
      return [{ ...resting, spec: { replicas: 0, ...resting.spec } }, scaledObject!];
    }
    return [];
  });
  return [namespace(), ...serviceAccounts(), ...rbac(), config, orchestrator, ...steps].map((object) => unwrapReasons<object>(object));
}
