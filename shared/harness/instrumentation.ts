// Lifecycle events of the function harness; metrics and logs subscribe, and unsubscribing is a returned
// function. A listener that throws is reported and skipped: instrumentation never breaks a step.
import { EventEmitter } from 'node:events';

export type StepOutcome = 'finished' | 'error' | 'cancelled' | 'interrupted';
export type WorkflowStatus = 'succeeded' | 'failed' | 'cancelled';
export type StepStatus = 'finished' | 'error' | 'cancelled';
/** Why the orchestrator failed a step: the function said so, no function took it, it went silent, its pod failed. */
export type FailureCause = 'error' | 'not_started' | 'silent' | 'pod_failed';

export interface HarnessEvents {
  /** A function of the registry started in this process. */
  'function.started': { fn: string };
  'step.started': { fn: string; queueId: string };
  'step.progress': { fn: string; queueId: string; records: number };
  'step.ended': { fn: string; queueId: string; outcome: StepOutcome; seconds: number; records: number };
  'step.retry': { fn: string; queueId: string; attempt: number; error: string; delayMs: number };
  /** Records taken in: a consumed batch (parsed or not), or values fetched from the exchange. */
  'records.in': { fn: string; count: number };
  /** Records written: a step's progress, a live publisher's output. */
  'records.out': { fn: string; count: number };
  /** A consumed batch left unhandled and uncommitted by a failure (it is read again). */
  'records.failed': { fn: string; count: number };
  /** A consumed batch handled, from handed over to the next one asked for (or committed). */
  'batch.handled': { fn: string; seconds: number };
  'record.dead-lettered': { fn: string; topic: string; reason: string };
  /** Live records published, with each one's delay from the exchange's event time. */
  'live.published': { fn: string; stream: string; symbol: string; queueId: string; latenciesMs: readonly number[] };
  'live.reconnected': { fn: string };
  'live.resynced': { fn: string; count: number };
  'live.backfilled': { fn: string; records: number };
  'live.skipped': { fn: string; reason: 'not-json' | 'unknown-stream' };
  /** A function now decides with this registry version. */
  'model.in-use': { fn: string; model: string; reference: string; version: number };
  'model.registered': { fn: string; model: string; version: number };
  /** An orchestrator started here: the step functions it drives (wire name → function), and how many workflows are running. */
  'orchestrator.started': { functions: readonly { target: string; fn: string }[]; running: number };
  'workflow.started': { workflowId: string };
  'workflow.ended': { workflowId: string; status: WorkflowStatus; seconds: number };
  /** A step of a workflow ended; `target` is its function's wire name. */
  'workflow.step-ended': { workflowId: string; target: string; status: StepStatus; seconds: number };
  'workflow.step-failed': { workflowId: string; target: string; cause: FailureCause };
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
