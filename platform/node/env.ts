// A container's environment as a kubelet builds it: `envFrom` (ConfigMaps, Secrets), then `env` (values
// with $(VAR) references, Secret and ConfigMap keys, the downward API). A missing object or key that is
// not optional stops the container with CreateContainerConfigError and the kubelet's message.
import type { V1ConfigMap, V1Container, V1EnvVar, V1Pod, V1Secret } from '@kubernetes/client-node';
import { ContainerStartError } from './images.ts';
import { formatQuantity, parseQuantity } from './quantity.ts';

/** Reads the pod's ConfigMaps and Secrets; undefined when the object does not exist. */
export interface ObjectReader {
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
}

const configError = (message: string) => new ContainerStartError('CreateContainerConfigError', message);

/** Kubernetes' $(VAR) expansion: `$$` is a literal `$`, an unknown reference stays as written. */
export function expand(text: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') {
      out += '$';
      i++;
    } else if (text[i] === '$' && text[i + 1] === '(' && text.indexOf(')', i + 2) !== -1) {
      const close = text.indexOf(')', i + 2);
      const name = text.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close;
    } else out += text[i];
  }
  return out;
}

const decode = (secret: V1Secret, key: string): string | undefined =>
  secret.data?.[key] !== undefined ? Buffer.from(secret.data[key]!, 'base64').toString('utf8') : secret.stringData?.[key];

/** The downward API's fieldRef paths (those the API server lets a pod use in env). */
export function fieldValue(pod: V1Pod, path: string, podIP: string): string {
  const keyed = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (keyed) return pod.metadata?.[keyed[1] as 'labels' | 'annotations']?.[keyed[2]!] ?? '';
  const all = /^metadata\.(labels|annotations)$/.exec(path);
  if (all)
    return Object.entries(pod.metadata?.[all[1] as 'labels' | 'annotations'] ?? {})
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join('\n');
  const values: Record<string, string | undefined> = {
    'metadata.name': pod.metadata?.name,
    'metadata.namespace': pod.metadata?.namespace,
    'metadata.uid': pod.metadata?.uid,
    'spec.nodeName': pod.spec?.nodeName,
    'spec.serviceAccountName': pod.spec?.serviceAccountName,
    'status.podIP': podIP,
    'status.podIPs': podIP,
    'status.hostIP': podIP,
    'status.hostIPs': podIP,
  };
  if (!(path in values)) throw configError(`unsupported fieldRef fieldPath "${path}"`);
  return values[path] ?? '';
}

/** resourceFieldRef: a container's requests and limits (limits default to the node's capacity). */
function resourceValue(container: V1Container, resource: string, divisor: string | undefined, capacity: { cpu: number; memoryBytes: number }): string {
  const [kind, name] = resource.split('.') as ['limits' | 'requests', string];
  const given = container.resources?.[kind]?.[name] ?? (kind === 'limits' ? (name === 'cpu' ? String(capacity.cpu) : String(capacity.memoryBytes)) : '0');
  return formatQuantity(parseQuantity(given), parseQuantity(divisor ?? '1'));
}

export interface EnvContext {
  readonly pod: V1Pod;
  readonly container: V1Container;
  readonly reader: ObjectReader;
  readonly podIP: string;
  readonly capacity: { cpu: number; memoryBytes: number };
  /** Variables defined before the pod's own (the image's), which the pod may override. */
  readonly base: Record<string, string>;
}

export async function resolveEnv({ pod, container, reader, podIP, capacity, base }: EnvContext): Promise<Record<string, string>> {
  const namespace = pod.metadata?.namespace ?? 'default';
  const env: Record<string, string> = { ...base };
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.configMapRef) {
      const map = await reader.configMap(namespace, source.configMapRef.name ?? '');
      if (!map && !source.configMapRef.optional) throw configError(`configmap "${source.configMapRef.name}" not found`);
      for (const [key, value] of Object.entries(map?.data ?? {})) if (!key.includes('=')) env[prefix + key] = value;
    }
    if (source.secretRef) {
      const secret = await reader.secret(namespace, source.secretRef.name ?? '');
      if (!secret && !source.secretRef.optional) throw configError(`secret "${source.secretRef.name}" not found`);
      for (const key of Object.keys(secret?.data ?? {})) if (!key.includes('=')) env[prefix + key] = decode(secret!, key)!;
    }
  }
  for (const variable of container.env ?? []) {
    const value = await variableValue(variable, { pod, container, reader, podIP, capacity, base }, namespace, env);
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}

async function variableValue(variable: V1EnvVar, context: EnvContext, namespace: string, defined: Record<string, string>): Promise<string | undefined> {
  if (variable.valueFrom === undefined) return expand(variable.value ?? '', (name) => defined[name]);
  const { secretKeyRef, configMapKeyRef, fieldRef, resourceFieldRef } = variable.valueFrom;
  if (secretKeyRef) {
    const secret = await context.reader.secret(namespace, secretKeyRef.name ?? '');
    const value = secret && decode(secret, secretKeyRef.key);
    if (value !== undefined || secretKeyRef.optional) return value;
    throw configError(secret ? `couldn't find key ${secretKeyRef.key} in Secret ${namespace}/${secretKeyRef.name}` : `secret "${secretKeyRef.name}" not found`);
  }
  if (configMapKeyRef) {
    const map = await context.reader.configMap(namespace, configMapKeyRef.name ?? '');
    const value = map?.data?.[configMapKeyRef.key];
    if (value !== undefined || configMapKeyRef.optional) return value;
    throw configError(map ? `couldn't find key ${configMapKeyRef.key} in ConfigMap ${namespace}/${configMapKeyRef.name}` : `configmap "${configMapKeyRef.name}" not found`);
  }
  if (fieldRef) return fieldValue(context.pod, fieldRef.fieldPath, context.podIP);
  if (resourceFieldRef) return resourceValue(context.container, resourceFieldRef.resource, resourceFieldRef.divisor, context.capacity);
  return undefined;
}
