// The pods bound to one node (field selector spec.nodeName), followed for as long as the node runs: a
// list, then a watch from the list's resourceVersion; when the watch ends (the server closes it every
// ~20 s, the connection drops, the resourceVersion is too old) the pods are listed and watched again, so
// no change is missed for long and nothing waits on a dead connection.
import { type V1Pod, Watch } from '@kubernetes/client-node';
import type { Logger } from '../../shared/logger.ts';
import { type Kube, within } from './kube.ts';

export interface PodHandlers {
  /** Every pod bound to the node now, after each list: pods not in it are gone. */
  sync(pods: readonly V1Pod[]): void;
  changed(pod: V1Pod): void;
  deleted(pod: V1Pod): void;
}

const WATCH_SECONDS = 20;
const RETRY_MS = 1000;

export function watchNodePods(kube: Kube, nodeName: string, handlers: PodHandlers, logger: Logger): { stop(): void } {
  const fieldSelector = `spec.nodeName=${nodeName}`;
  const watcher = new Watch(kube.config);
  let stopped = false;
  let current: AbortController | undefined;
  let retry: NodeJS.Timeout | undefined;

  const again = (afterMs: number) => {
    if (!stopped) retry = setTimeout(() => void follow(), afterMs);
  };

  async function follow(): Promise<void> {
    try {
      const list = await kube.core.listPodForAllNamespaces({ fieldSelector }, within());
      if (stopped) return;
      handlers.sync(list.items);
      current = await watcher.watch(
        '/api/v1/pods',
        { fieldSelector, resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS },
        (type, pod: V1Pod) => {
          if (type === 'ADDED' || type === 'MODIFIED') handlers.changed(pod);
          else if (type === 'DELETED') handlers.deleted(pod);
          // ERROR (e.g. 410 Gone): the watch ends and the pods are listed afresh.
          else if (type === 'ERROR') current?.abort();
        },
        (error) => {
          if (error && !stopped && (error as Error).name !== 'AbortError') logger.warn({ err: error }, 'watching pods ended; listing them again');
          again(error ? RETRY_MS : 0);
        },
      );
    } catch (error) {
      if (stopped) return;
      logger.warn({ err: error }, 'listing pods failed; trying again');
      again(RETRY_MS);
    }
  }

  void follow();
  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      current?.abort();
    },
  };
}
