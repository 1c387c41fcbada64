// `streamforge logs <pod>`: the output of a pod run by a process node on this machine, from the log file
// the node records on the pod (annotation streamforge.io/log), like `kubectl logs` for a kubelet's pod.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseOptions } from './args.ts';
import { UsageError } from './usage.ts';

const schema = z.object({
  namespace: z.string().min(1).optional(),
  container: z.string().min(1).optional(),
  kubeconfig: z.string().min(1).optional(),
});

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    { namespace: { type: 'string', short: 'n' }, container: { type: 'string', short: 'c' }, kubeconfig: { type: 'string' } },
    schema,
  );
  if (positionals.length !== 1) throw new UsageError('logs takes one pod name: streamforge logs <pod> [-n namespace] [-c container]');
  const [{ loadKube, within }, { LOG_ANNOTATION, logFileFromAnnotation }] = await Promise.all([import('../node/kube.ts'), import('../node/pod-files.ts')]);
  const kube = loadKube(values.kubeconfig);
  const namespace = values.namespace ?? kube.config.getContextObject(kube.config.getCurrentContext())?.namespace ?? 'default';
  const name = positionals[0]!;
  const pod = await kube.core.readNamespacedPod({ name, namespace }, within()).catch((error: unknown) => {
    throw new Error((error as { code?: number }).code === 404 ? `pod "${name}" not found in namespace ${namespace}` : (error as Error).message);
  });
  const annotated = pod.metadata?.annotations?.[LOG_ANNOTATION];
  if (!annotated) throw new Error(`pod ${namespace}/${name} has no log yet: no process node has started it (annotation ${LOG_ANNOTATION})`);
  const containers = pod.spec?.containers.map((c) => c.name) ?? [];
  if (values.container && !containers.includes(values.container))
    throw new Error(`pod ${namespace}/${name} has no container "${values.container}"; it has ${containers.join(', ')}`);
  const file = logFileFromAnnotation(annotated, values.container === containers[0] ? undefined : values.container);
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new Error(`${file} does not exist: the pod's node runs on another machine, or its state dir was removed`);
    throw error;
  });
  process.stdout.write(text);
  return 0;
}
