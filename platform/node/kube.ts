// The process node's view of the API server: typed clients from a kubeconfig, and the per-call options
// it uses everywhere. Every call carries a deadline, so a stalled API server never stalls the node.
import {
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  Observable,
  PatchStrategy,
  type ConfigurationOptions,
  type ObservableMiddleware,
  type RequestContext,
  type ResponseContext,
  setHeaderOptions,
} from '@kubernetes/client-node';

export interface Kube {
  readonly config: KubeConfig;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  /** The API server's URL, for messages. */
  readonly server: string;
}

/** KUBECONFIG (or the given file), as kubectl reads it. */
export function loadKube(kubeconfig?: string): Kube {
  const config = new KubeConfig();
  if (kubeconfig) config.loadFromFile(kubeconfig);
  else config.loadFromDefault();
  const server = config.getCurrentCluster()?.server;
  if (!server) throw new Error(`no current cluster in ${kubeconfig ?? process.env.KUBECONFIG ?? 'the default kubeconfig'}`);
  return { config, core: config.makeApiClient(CoreV1Api), coordination: config.makeApiClient(CoordinationV1Api), server };
}

/** How long one API call may take, connection to body. */
export const API_DEADLINE_MS = 10_000;

function deadlineMiddleware(ms: number): ObservableMiddleware {
  return {
    pre: (context: RequestContext) => {
      context.setSignal(AbortSignal.timeout(ms));
      return new Observable(Promise.resolve(context));
    },
    post: (response: ResponseContext) => new Observable(Promise.resolve(response)),
  };
}

/** Options for one call: a deadline, appended to the client's own middleware. */
export const within = (ms = API_DEADLINE_MS): ConfigurationOptions => ({ middleware: [deadlineMiddleware(ms)], middlewareMergeStrategy: 'append' });

/** A strategic merge patch (lists such as conditions merge by key, as the kubelet patches), with a deadline. */
export const strategicPatch = (ms = API_DEADLINE_MS) => setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch, within(ms));

/** A JSON merge patch, with a deadline. */
export const mergePatch = (ms = API_DEADLINE_MS) => setHeaderOptions('Content-Type', PatchStrategy.MergePatch, within(ms));

/** The HTTP status of a failed call (client-node's ApiException carries it as `code`). */
export const statusOf = (error: unknown): number | undefined => (error as { code?: number } | undefined)?.code;

export const isNotFound = (error: unknown) => statusOf(error) === 404;

/** RFC 3339 with six fractional digits: MicroTime fields (a Lease's renewTime) accept nothing else. */
export const microTime = (at = new Date()) => at.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
