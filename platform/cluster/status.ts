// `streamforge cluster status`: for each ScaledJob and ScaledObject, the lag KEDA scales on (its group's
// lag on its command topic), the Jobs running and the pods of its function.
import { BatchV1Api, CoreV1Api, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { KafkaBus } from '../../shared/adapters/kafka/kafka-bus.ts';
import { silentLogger } from '../../shared/logger.ts';
import { NAMESPACE } from '../manifests/names.ts';
import type { ClusterState } from './state.ts';

export interface ScaledStatus {
  readonly name: string;
  readonly kind: 'ScaledJob' | 'ScaledObject';
  readonly lag: number;
  readonly activeJobs: number;
  readonly pods: number;
}

interface ScaledResource {
  metadata: { name: string };
  spec: { triggers: { metadata: { topic: string; consumerGroup: string } }[] };
}

export async function clusterStatus(state: ClusterState): Promise<{ scaledJobs: ScaledStatus[]; scaledObjects: ScaledStatus[] }> {
  const kc = new KubeConfig();
  kc.loadFromFile(state.kubeconfig);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const batch = kc.makeApiClient(BatchV1Api);
  const core = kc.makeApiClient(CoreV1Api);
  const bus = new KafkaBus({ brokers: [state.brokers], clientId: 'streamforge-status', logger: silentLogger });
  try {
    const list = async (plural: string) =>
      ((await custom.listNamespacedCustomObject({ group: 'keda.sh', version: 'v1alpha1', namespace: NAMESPACE, plural })) as { items: ScaledResource[] }).items;
    const describe = async (resource: ScaledResource, kind: ScaledStatus['kind']): Promise<ScaledStatus> => {
      const { topic, consumerGroup } = resource.spec.triggers[0]!.metadata;
      const lag = (await bus.lag(consumerGroup, topic)).reduce((sum, p) => sum + p.lag, 0);
      const name = resource.metadata.name;
      const jobs = kind === 'ScaledJob' ? (await batch.listNamespacedJob({ namespace: NAMESPACE, labelSelector: `scaledjob.keda.sh/name=${name}` })).items : [];
      const pods = (await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: `app.kubernetes.io/name=${name}` })).items;
      return {
        name,
        kind,
        lag,
        activeJobs: jobs.filter((job) => (job.status?.active ?? 0) > 0).length,
        pods: pods.filter((pod) => pod.status?.phase === 'Pending' || pod.status?.phase === 'Running').length,
      };
    };
    return {
      scaledJobs: await Promise.all((await list('scaledjobs')).map((r) => describe(r, 'ScaledJob'))),
      scaledObjects: await Promise.all((await list('scaledobjects')).map((r) => describe(r, 'ScaledObject'))),
    };
  } finally {
    await bus.close();
  }
}
