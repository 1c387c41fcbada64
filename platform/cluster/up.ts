// `streamforge cluster up`: the local Kafka broker, the Kubernetes control plane (etcd, kube-apiserver,
// controller manager, scheduler), KEDA's CRDs and the real KEDA operator, the exchange simulator, the
// process node, then the platform's manifests with local values — the orchestrator as a Deployment, the
// step functions as KEDA ScaledJob/ScaledObject at zero. Resolves once the orchestrator answers. Writes
// a Prometheus configuration that finds the pods through this API server (scripts/prometheus/server.sh).
import { freePort, freePortPair } from '../free-port.ts';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { buildBundles } from '../build.ts';
import { localManifests } from '../manifests/local.ts';
import { NAMESPACE } from '../manifests/names.ts';
import { ALERT_RULES, kubernetesScrapeConfig, prometheusYaml } from '../manifests/prometheus.ts';
import { ROOT, detached, script, waitFor } from './processes.ts';
import { type ClusterState, saveState, stateDir } from './state.ts';
import { kubectl } from './kubectl.ts';

export interface UpOptions {
  readonly name?: string;
  /** A persister replica's rest after its last step (seconds). */
  readonly cooldownSeconds?: number;
  readonly log?: (line: string) => void;
}

const ready = (url: string) => fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok);

/** A kubeconfig with a token of the ServiceAccount (TokenRequest): the pod acts with its RBAC, nothing more. */
async function writeServiceAccountKubeconfig(admin: KubeConfig, core: CoreV1Api, account: string, path: string): Promise<void> {
  const { status } = await core.createNamespacedServiceAccountToken({ name: account, namespace: NAMESPACE, body: { spec: { expirationSeconds: 7 * 86_400 } } });
  const cluster = admin.getCurrentCluster()!;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: account, token: status!.token }],
    contexts: [{ name: account, cluster: cluster.name, user: account, namespace: NAMESPACE }],
    currentContext: account,
  });
  await writeFile(path, config.exportConfig(), { mode: 0o600 });
}

export async function clusterUp(options: UpOptions = {}): Promise<ClusterState> {
  const name = options.name ?? 'local';
  const log = options.log ?? (() => undefined);
  const dir = stateDir(name);
  const dataDir = `${dir}/data`;
  await mkdir(dataDir, { recursive: true });

  const brokerPort = await freePortPair();
  log(`Kafka broker on 127.0.0.1:${brokerPort}…`);
  await script('kafka/broker.sh', ['start', '--port', String(brokerPort)], 900_000);
  const brokers = `127.0.0.1:${brokerPort}`;

  log('Kubernetes control plane (etcd, kube-apiserver, controller manager, scheduler)…');
  await script('k8s/cluster.sh', ['start', '--with-controllers', '--name', name], 3_600_000);
  const env = Object.fromEntries([...(await script('k8s/cluster.sh', ['env', '--name', name], 30_000)).matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
  const kubeconfig = env.KUBECONFIG!;
  const binDir = env.K8S_BIN_DIR!;
  log('KEDA operator…');
  await script('keda/operator.sh', ['start', '--name', name], 3_600_000, { KUBECONFIG: kubeconfig });

  log('bundles (npm run build)…');
  await buildBundles();
  const simPort = await freePort();
  const restUrl = `http://127.0.0.1:${simPort}`;
  const simPid = detached(process.execPath, [`${ROOT}dist/exchange-sim.mjs`], `${dir}/exchange-sim.log`, {
    PORT: String(simPort),
    HOST: '127.0.0.1',
    DATA_DIR: `${dir}/sim`,
    LOG_LEVEL: 'warn',
  });
  await waitFor('the exchange simulator', () => ready(restUrl), 30_000);

  const nodeName = `streamforge-${name}`;
  log(`process node ${nodeName}…`);
  // Eight CPUs on offer, whatever the machine has: the pods are light processes, and KEDA's Jobs must not wait for room.
  const nodePid = detached(
    process.execPath,
    [`${ROOT}bin/streamforge.ts`, 'node', '--name', nodeName, '--kubeconfig', kubeconfig, '--state-dir', `${dir}/node`, '--cpu', '8'],
    `${dir}/node.log`,
    {
      KUBECONFIG: kubeconfig,
    },
  );
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(CoreV1Api);
  await waitFor(
    `node ${nodeName} to be Ready`,
    async () => {
      const node = await core.readNode({ name: nodeName });
      return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    },
    60_000,
  );

  log('platform manifests (local values)…');
  const orchestratorKubeconfig = `${dir}/orchestrator.kubeconfig`;
  const manifests = localManifests({
    brokers,
    restUrl,
    dataDir,
    orchestratorKubeconfig,
    ...(options.cooldownSeconds === undefined ? {} : { cooldownSeconds: options.cooldownSeconds }),
  });
  const apply = async (objects: readonly object[]) => {
    const applied = await kubectl(binDir, kubeconfig, ['apply', '--server-side', '--field-manager=streamforge', '-f', '-'], objects.map((m) => stringify(m)).join('---\n'));
    if (applied.code !== 0) throw new Error(`applying the manifests failed: ${applied.stderr}`);
  };
  // The namespace and ServiceAccounts first: the orchestrator's token must exist before its pod starts.
  const isAccount = (m: object) => ['Namespace', 'ServiceAccount'].includes((m as { kind: string }).kind);
  await apply(manifests.filter(isAccount));
  await writeServiceAccountKubeconfig(kc, core, 'orchestrator', orchestratorKubeconfig);
  await apply(manifests.filter((m) => !isAccount(m)));

  let apiUrl = '';
  await waitFor(
    'the orchestrator pod to be Ready',
    async () => {
      const pods = (await core.listNamespacedPod({ namespace: NAMESPACE, labelSelector: 'app.kubernetes.io/name=orchestrator' })).items;
      const pod = pods.find((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      const port = pod?.metadata?.annotations?.['streamforge.io/port'];
      if (!port) return false;
      apiUrl = `http://127.0.0.1:${port}`;
      return ready(apiUrl);
    },
    120_000,
  );

  const prometheusConfig = `${dir}/prometheus.yml`;
  const ruleFiles = existsSync(`${ROOT}${ALERT_RULES}`) ? [`${ROOT}${ALERT_RULES}`] : [];
  await writeFile(
    prometheusConfig,
    prometheusYaml(
      `Prometheus for the local cluster ${name}: scripts/prometheus/server.sh start --config ${prometheusConfig}`,
      kubernetesScrapeConfig({ kubeconfig, scrapeInterval: '5s', ruleFiles }),
    ),
  );
  log(`Prometheus: scripts/prometheus/server.sh start --config ${prometheusConfig}`);

  const state: ClusterState = { name, dir, brokerPort, brokers, kubeconfig, binDir, simPid, restUrl, nodePid, nodeName, dataDir, apiUrl, prometheusConfig };
  await saveState(state);
  return state;
}
