// Lifecycle events of the function harness; metrics and logs subscribe, and unsubscribing is a returned function.
import { EventEmitter } from 'node:events';

export interface HarnessEvents {
  'step.started': { fn: string; queueId: string };
  'step.progress': { fn: string; queueId: string; records: number };
  'step.ended': { fn: string; queueId: string; outcome: 'finished' | 'error' | 'cancelled' | 'interrupted'; seconds: number; records: number };
  'step.retry': { fn: string; queueId: string; attempt: number; error: string };
  'record.dead-lettered': { fn: string; topic: string; reason: string };
  'batch.committed': { fn: string; topic: string; partition: number; records: number };
}

export class Instrumentation {
  private readonly emitter = new EventEmitter();

  on<E extends keyof HarnessEvents>(event: E, listener: (payload: HarnessEvents[E]) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends keyof HarnessEvents>(event: E, payload: HarnessEvents[E]): void {
    this.emitter.emit(event, payload);
  }
}
