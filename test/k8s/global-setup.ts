// A real Kubernetes API server for the k8s suite: etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler on loopback with the platform's CRDs installed (scripts/k8s/), or the cluster KUBECONFIG
// points at. The binaries are built once per machine into a user-level cache.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = new URL('../../scripts/k8s/', import.meta.url).pathname;
const NAME = `test-${process.pid}`;

export default async function setup(): Promise<() => Promise<void>> {
  if (process.env.KUBECONFIG) return async () => undefined;
  const started = await run('bash', [`${scripts}cluster.sh`, 'start', '--with-controllers', '--name', NAME], { maxBuffer: 64 * 1024 * 1024, timeout: 3_600_000 });
  const env = (await run('bash', [`${scripts}cluster.sh`, 'env', '--name', NAME])).stdout;
  for (const match of env.matchAll(/^export (\w+)='([^']*)'$/gm)) process.env[match[1]!] = match[2]!;
  if (!process.env.KUBECONFIG) throw new Error(`cluster.sh started no cluster:\n${started.stdout}\n${started.stderr}`);
  await run('bash', [`${scripts}crds.sh`, 'install', '--name', NAME], { maxBuffer: 64 * 1024 * 1024, timeout: 1_800_000 });
  return async () => {
    await run('bash', [`${scripts}cluster.sh`, 'stop', '--name', NAME], { timeout: 120_000 });
  };
}
