// Writes a pod's status to pods/status, one write at a time and only the newest: a status set while a
// write is under way replaces any not yet sent, so the API server never sees them out of order. The
// pod's UID rides along in each patch, so a same-named pod that replaced it is never written to.
import type { Logger } from '../../shared/logger.ts';
import { type Kube, isNotFound, statusOf, strategicPatch } from './kube.ts';

const RETRY_MS = 1000;

export class StatusWriter {
  private readonly kube: Kube;
  private readonly pod: { namespace: string; name: string; uid: string };
  private readonly logger: Logger;
  private pending: object | undefined;
  private writing: Promise<void> | undefined;
  private closed = false;

  constructor(kube: Kube, pod: { namespace: string; name: string; uid: string }, logger: Logger) {
    this.kube = kube;
    this.pod = pod;
    this.logger = logger;
  }

  write(status: object): void {
    if (this.closed) return;
    this.pending = status;
    this.writing ??= this.drain().finally(() => (this.writing = undefined));
  }

  /** Resolves once everything set so far is written, or after timeoutMs. */
  async flush(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.writing && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.writing, new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))]);
      clearTimeout(timer);
    }
  }

  /** Writes nothing more (a write under way still ends). */
  close(): void {
    this.closed = true;
    this.pending = undefined;
  }

  private async drain(): Promise<void> {
    while (this.pending && !this.closed) {
      const status = this.pending;
      this.pending = undefined;
      try {
        await this.kube.core.patchNamespacedPodStatus({ namespace: this.pod.namespace, name: this.pod.name, body: { metadata: { uid: this.pod.uid }, status } }, strategicPatch());
      } catch (error) {
        const code = statusOf(error);
        if (isNotFound(error) || code === 409) {
          this.closed = true; // the pod is gone, or another pod now has its name
        } else if (code === 422) {
          this.logger.error({ err: error, pod: `${this.pod.namespace}/${this.pod.name}` }, 'the API server refused the pod status');
        } else {
          this.logger.warn({ err: error, pod: `${this.pod.namespace}/${this.pod.name}` }, 'writing the pod status failed; trying again');
          this.pending ??= status;
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    }
  }
}
