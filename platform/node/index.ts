// The process node: a small kubelet of the project's own that makes a local control plane (no container
// runtime) run the platform's pods as plain local processes. It registers a Node, keeps it alive (Lease
// and status heartbeat), runs every pod bound to it through a PodWorker, and on stop ends every pod's
// processes, reports the pods Failed as a graceful node shutdown does, and marks the node NotReady.
//
// Images are function bundles: `<registry>/<function>:<tag>` runs `node <repo>/dist/<function>.mjs`
// (see images.ts); `command`/`args` run as given. Each container gets a loopback port of its own as
// $PORT (HOST=127.0.0.1); its output goes to <stateDir>/pods/<ns>_<pod>_<uid>/<container>.log.
import { mkdirSync } from 'node:fs';
import type { KubeConfig, V1Pod } from '@kubernetes/client-node';
import { CoordinationV1Api, CoreV1Api } from '@kubernetes/client-node';
import { type Logger, silentLogger } from '../../shared/logger.ts';
import type { Backoff } from './container.ts';
import type { ObjectReader } from './env.ts';
import { type Kube, isNotFound, loadKube, within } from './kube.ts';
import { killLeftovers } from './leftovers.ts';
import { MemorySampler } from './memory.ts';
import { type Capacity, machineCapacity, nodeConditions, nodeObject, postStatus, registerNode, removeBlockingTaints, renewLease } from './node-object.ts';
import { defaultStateDir } from './pod-files.ts';
import { watchNodePods } from './pod-watch.ts';
import { PodWorker } from './pod-worker.ts';
import { PortAllocator } from './ports.ts';
import { parseQuantity } from './quantity.ts';

export interface ProcessNodeOptions {
  /** The Node's name; default `streamforge-node`. */
  readonly name?: string;
  /** A kubeconfig file or a loaded KubeConfig; default KUBECONFIG, as kubectl reads it. */
  readonly kubeconfig?: string | KubeConfig;
  /** Logs and working directories of the pods; default <os.tmpdir()>/streamforge-node-<name>. */
  readonly stateDir?: string;
  readonly logger?: Logger;
  /** What the node offers the scheduler; default this machine's (cpu count, memory, 110 pods). */
  readonly capacity?: Partial<Capacity>;
  /** How often the Lease is renewed; default 10 s, as a kubelet's. */
  readonly leaseRenewMs?: number;
  /** How often the node status heartbeat is posted; default 30 s. */
  readonly statusEveryMs?: number;
  /** Restart back-off of exited containers; default 1 s doubling to 60 s, reset after 60 s of running. */
  readonly backoff?: Partial<Backoff>;
  /** The longest stop() gives a pod to end (its own grace period if shorter); default 30 s. */
  readonly shutdownGraceMs?: number;
  /** Delete the Node object on stop instead of marking it NotReady. */
  readonly deleteOnStop?: boolean;
}

export interface NodeProcessInfo {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly pid: number;
}

export interface ProcessNode {
  readonly name: string;
  readonly stateDir: string;
  /** The container processes running now. */
  processes(): NodeProcessInfo[];
  stop(): Promise<void>;
}

/** The address of every pod and of the node: processes share the machine's loopback. */
const IP = '127.0.0.1';

function kubeFrom(kubeconfig: string | KubeConfig | undefined): Kube {
  if (kubeconfig === undefined || typeof kubeconfig === 'string') return loadKube(kubeconfig);
  const server = kubeconfig.getCurrentCluster()?.server ?? '';
  return { config: kubeconfig, core: kubeconfig.makeApiClient(CoreV1Api), coordination: kubeconfig.makeApiClient(CoordinationV1Api), server };
}

function objectReader(kube: Kube): ObjectReader {
  const absent = (error: unknown) => (isNotFound(error) ? undefined : Promise.reject(error));
  return {
    configMap: (namespace, name) => kube.core.readNamespacedConfigMap({ namespace, name }, within()).catch(absent),
    secret: (namespace, name) => kube.core.readNamespacedSecret({ namespace, name }, within()).catch(absent),
  };
}

export async function startProcessNode(options: ProcessNodeOptions = {}): Promise<ProcessNode> {
  const name = options.name ?? 'streamforge-node';
  const stateDir = options.stateDir ?? defaultStateDir(name);
  const logger = options.logger ?? silentLogger;
  mkdirSync(stateDir, { recursive: true });
  const kube = kubeFrom(options.kubeconfig);
  const leftovers = killLeftovers(stateDir);
  if (leftovers > 0) logger.warn({ node: name, stateDir, killed: leftovers }, 'killed the processes an earlier node on this state dir left running');
  const capacity = { ...machineCapacity(stateDir), ...options.capacity };
  let node = await registerNode(kube, nodeObject(name, capacity, IP));
  await renewLease(kube, node);

  const memory = new MemorySampler();
  const workers = new Map<string, PodWorker>();
  /** Pods whose object went while their processes still end: stop() waits for them too. */
  const forgotten = new Set<Promise<void>>();
  const deps = {
    kube,
    stateDir,
    ip: IP,
    ports: new PortAllocator(IP),
    memory,
    reader: objectReader(kube),
    backoff: { initialMs: 1000, maxMs: 60_000, resetAfterMs: 60_000, ...options.backoff },
    capacity: { cpu: parseQuantity(capacity.cpu), memoryBytes: parseQuantity(capacity.memory) },
    logger,
  };
  const forget = (uid: string) => {
    const worker = workers.get(uid);
    workers.delete(uid);
    if (!worker) return;
    const ended = worker.forget().finally(() => forgotten.delete(ended));
    forgotten.add(ended);
  };
  const watch = watchNodePods(
    kube,
    name,
    {
      sync(pods) {
        const present = new Set(pods.map((p) => p.metadata!.uid!));
        for (const uid of workers.keys()) if (!present.has(uid)) forget(uid);
        for (const pod of pods) this.changed(pod);
      },
      changed(pod: V1Pod) {
        const uid = pod.metadata!.uid!;
        const worker = workers.get(uid);
        if (worker) worker.update(pod);
        else workers.set(uid, new PodWorker(pod, deps));
      },
      deleted: (pod) => forget(pod.metadata!.uid!),
    },
    logger,
  );

  // Alive: the Lease often, the status heartbeat now and then; each beat also clears blocking taints.
  const beat = (what: string, action: () => Promise<unknown>) => () => void action().catch((error) => logger.warn({ err: error, node: name }, `${what} failed`));
  const leaseTimer = setInterval(
    beat('renewing the lease', () => renewLease(kube, node)),
    options.leaseRenewMs ?? 10_000,
  );
  const statusTimer = setInterval(
    beat('posting the node status', async () => {
      // A Node deleted under a running node (kubectl delete node) registers again, as a kubelet does.
      node = await postStatus(kube, name, { conditions: nodeConditions(true, { transition: false }) }).catch((error) =>
        isNotFound(error) ? registerNode(kube, nodeObject(name, capacity, IP)) : Promise.reject(error),
      );
      await removeBlockingTaints(kube, name, node);
    }),
    options.statusEveryMs ?? 30_000,
  );
  logger.info({ node: name, server: kube.server, stateDir, capacity }, 'process node registered');

  let stopping: Promise<void> | undefined;
  return {
    name,
    stateDir,
    processes: () => [...workers.values()].flatMap((w) => w.processes()),
    stop() {
      stopping ??= (async () => {
        watch.stop();
        clearInterval(leaseTimer);
        clearInterval(statusTimer);
        const capMs = options.shutdownGraceMs ?? 30_000;
        await Promise.all([...[...workers.values()].map((w) => w.stopForShutdown(capMs)), ...forgotten]);
        workers.clear();
        memory.stop();
        try {
          if (options.deleteOnStop) await kube.core.deleteNode({ name }, within());
          else await postStatus(kube, name, { conditions: nodeConditions(false, { transition: true }) });
        } catch (error) {
          logger.warn({ err: error, node: name }, 'could not mark the node stopped');
        }
        logger.info({ node: name }, 'process node stopped');
      })();
      return stopping;
    },
  };
}
