// Lifecycle events of the function harness; metrics and logs subscribe, and unsubscribing is a returned
// function. A listener that throws is reported and skipped: instrumentation never breaks a step.
import { EventEmitter } from 'node:events';

export type StepOutcome = 'finished' | 'error' | 'cancelled' | 'interrupted';

export interface HarnessEvents {
  'step.started': { fn: string; queueId: string };
  'step.progress': { fn: string; queueId: string; records: number };
  'step.ended': { fn: string; queueId: string; outcome: StepOutcome; seconds: number; records: number };
  'step.retry': { fn: string; queueId: string; attempt: number; error: string; delayMs: number };
  'record.dead-lettered': { fn: string; topic: string; reason: string };
  /** Live records published, with each one's delay from the exchange's event time. */
  'live.published': { fn: string; stream: string; latenciesMs: readonly number[] };
  'live.reconnected': { fn: string };
  'live.resynced': { fn: string; count: number };
  'live.backfilled': { fn: string; records: number };
  'live.skipped': { fn: string; reason: 'not-json' | 'unknown-stream' };
}

export class Instrumentation {
  private readonly emitter = new EventEmitter();
  private readonly onListenerError: (error: unknown, event: string) => void;

  constructor(onListenerError: (error: unknown, event: string) => void = () => undefined) {
    this.onListenerError = onListenerError;
  }

  on<E extends keyof HarnessEvents>(event: E, listener: (payload: HarnessEvents[E]) => void): () => void {
    const guarded = (payload: HarnessEvents[E]) => {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(error, event);
      }
    };
    this.emitter.on(event, guarded);
    return () => this.emitter.off(event, guarded);
  }

  emit<E extends keyof HarnessEvents>(event: E, payload: HarnessEvents[E]): void {
    this.emitter.emit(event, payload);
  }
}
