// The Node object a process node stands behind: registered with this machine's capacity, Ready, and kept
// alive as a kubelet keeps it: a Lease in kube-node-lease renewed every ~10 s (what the node lifecycle
// controller watches) and the status heartbeat (lastHeartbeatTime) patched periodically. Taints that
// would keep pods away (not-ready, unreachable, uninitialized, pressure) are removed while it is Ready.
import { readFileSync, statfsSync } from 'node:fs';
import { arch, availableParallelism, hostname, release, totalmem } from 'node:os';
import type { V1Node, V1Taint } from '@kubernetes/client-node';
import { type Kube, isNotFound, mergePatch, microTime, statusOf, strategicPatch, within } from './kube.ts';
import { rfc3339 } from './status.ts';

export const LEASE_NAMESPACE = 'kube-node-lease';
const LEASE_DURATION_SECONDS = 40;

export interface Capacity {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
  readonly 'ephemeral-storage'?: string;
}

export function machineCapacity(stateDir: string): Capacity {
  let storage: string | undefined;
  try {
    const fs = statfsSync(stateDir);
    storage = `${Math.floor((fs.blocks * fs.bsize) / 1024)}Ki`;
  } catch {
    storage = undefined;
  }
  return { cpu: String(availableParallelism()), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110', ...(storage ? { 'ephemeral-storage': storage } : {}) };
}

const readFirstLine = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]!.trim();
  } catch {
    return '';
  }
};

function osImage(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
}

const kubeArch = () => ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x' })[arch() as string] ?? arch();

export const NODE_CONDITIONS = ['MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

/**
 * The node's conditions: Ready (or not), no pressure of any kind. A heartbeat leaves lastTransitionTime
 * out, so the strategic merge keeps the time of the last real change.
 */
export function nodeConditions(ready: boolean, { transition }: { transition: boolean }) {
  const now = rfc3339();
  const condition = (type: string, status: 'True' | 'False', reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    ...(transition ? { lastTransitionTime: now } : {}),
  });
  return [
    ...NODE_CONDITIONS.map((type) => condition(type, 'False', `KubeletHasNo${type}`, `process node has no ${type.replace('Pressure', '').toLowerCase()} pressure`)),
    ready ? condition('Ready', 'True', 'KubeletReady', 'process node is posting ready status') : condition('Ready', 'False', 'KubeletNotReady', 'process node stopped'),
  ];
}

export function nodeObject(name: string, capacity: Capacity, ip: string): V1Node {
  const machineID = readFirstLine('/etc/machine-id');
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: {
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': kubeArch(),
        'kubernetes.io/hostname': name,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': kubeArch(),
        'streamforge.io/process-node': 'true',
      },
    },
    spec: {},
    status: {
      capacity: { ...capacity },
      allocatable: { ...capacity },
      addresses: [
        { type: 'InternalIP', address: ip },
        { type: 'Hostname', address: hostname() },
      ],
      nodeInfo: {
        machineID,
        systemUUID: readFirstLine('/sys/class/dmi/id/product_uuid') || machineID,
        bootID: readFirstLine('/proc/sys/kernel/random/boot_id'),
        kernelVersion: release(),
        osImage: osImage(),
        containerRuntimeVersion: `streamforge-process://node-${process.versions.node}`,
        kubeletVersion: 'v0.1.0-streamforge-process-node',
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: kubeArch(),
      },
    },
  };
}

/** Taints a Ready node without pressure should not carry; kubectl cordon's `unschedulable` stays. */
const BLOCKING = /^node\.(kubernetes\.io\/(not-ready|unreachable|memory-pressure|disk-pressure|pid-pressure|network-unavailable)|cloudprovider\.kubernetes\.io\/uninitialized)$/;

/** Creates the node, or takes over one of the same name (a restarted node), and reports it Ready. */
export async function registerNode(kube: Kube, node: V1Node): Promise<V1Node> {
  const name = node.metadata!.name!;
  try {
    await kube.core.createNode({ body: node }, within());
  } catch (error) {
    if (statusOf(error) !== 409) throw error;
    await kube.core.patchNode({ name, body: { metadata: { labels: node.metadata!.labels } } }, strategicPatch());
  }
  const registered = await postStatus(kube, name, { ...node.status, conditions: nodeConditions(true, { transition: true }) });
  await removeBlockingTaints(kube, name, registered);
  return registered;
}

export async function postStatus(kube: Kube, name: string, status: object): Promise<V1Node> {
  return kube.core.patchNodeStatus({ name, body: { status } }, strategicPatch());
}

/** Drops blocking taints, on the resourceVersion read (a concurrent change makes it wait for the next beat). */
export async function removeBlockingTaints(kube: Kube, name: string, node?: V1Node): Promise<void> {
  node ??= await kube.core.readNode({ name }, within());
  const taints: V1Taint[] = node.spec?.taints ?? [];
  const kept = taints.filter((t) => !BLOCKING.test(t.key));
  if (kept.length === taints.length) return;
  await kube.core.patchNode({ name, body: { metadata: { resourceVersion: node.metadata!.resourceVersion }, spec: { taints: kept } } }, mergePatch());
}

/** Renews the node's Lease (creating it, owned by the Node so it goes with it); what says "alive". */
export async function renewLease(kube: Kube, node: V1Node): Promise<void> {
  const name = node.metadata!.name!;
  const spec = { holderIdentity: name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime() };
  try {
    await kube.coordination.patchNamespacedLease({ name, namespace: LEASE_NAMESPACE, body: { spec } }, mergePatch());
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const owner = node.metadata?.uid ? [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] : [];
    // MicroTime wants six fractional digits; client-node would send a Date's three, so the string goes as it is.
    const body = { metadata: { name, namespace: LEASE_NAMESPACE, ownerReferences: owner }, spec: { ...spec, renewTime: spec.renewTime as unknown as Date } };
    await kube.coordination.createNamespacedLease({ namespace: LEASE_NAMESPACE, body }, within());
  }
}
