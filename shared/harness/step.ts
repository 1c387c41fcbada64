// What a function implements and what it is given: the step's command, its ports, a signal, progress
// reporting, and memory that lasts across the step's retries so an attempt resumes where the last stopped.
import type { Logger } from 'pino';
import type { ControlCommand } from '../contracts/control.ts';
import type { StepOutcome } from '../contracts/pipeline.ts';
import { errorMessage } from '../errors.ts';
import type { Bus } from '../ports/bus.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { Store } from '../ports/store.ts';
import { type RetryPolicy, withRetry } from '../retry.ts';
import type { Instrumentation } from './instrumentation.ts';

export interface Ports {
  readonly bus: Bus;
  readonly store: Store;
  readonly objects: ObjectStore;
  readonly logger: Logger;
  readonly instrumentation: Instrumentation;
}

export interface Progress {
  readonly message: string;
  readonly records_written: number;
}

export interface StepContext extends Ports {
  readonly command: ControlCommand;
  /** Aborted when the orchestrator stops the step (reason 'cancelled') or the process drains (reason 'shutdown'). */
  readonly signal: AbortSignal;
  report(progress: Progress): Promise<void>;
  /** The same object on every attempt of this step: where an attempt records how far it got. */
  memo<T extends object>(init: () => T): T;
}

export interface StepResult {
  readonly records_written: number;
  readonly message: string;
  /** What a pipeline stage produced, reported with its end and kept on the step. */
  readonly result?: StepOutcome;
}

export interface FunctionDefinition {
  /** Folder name under functions/. */
  readonly name: string;
  /** Name on the wire: the command's `target` and the prefix of `telemetry_id`. */
  readonly target: string;
  /** Consumer group of this function's data subscriptions, e.g. arango-connector-group. */
  readonly group?: string;
  /** One attempt at the step. Throw RetriableError (or any non-programming error) to be tried again. */
  run(ctx: StepContext): Promise<StepResult>;
  /** Topics a step reads in `group`, for lag reporting. */
  consumes?(command: ControlCommand): readonly string[];
}

/**
 * Steps are idempotent and resume from their memo, so a transient failure is tried again: with these
 * numbers a step waits at most about two minutes in all (1+2+4+8+16+30+30+30 s, more if an exchange
 * asks for it with Retry-After) before it fails for good.
 */
export const STEP_RETRY: RetryPolicy = { retries: 8, minDelayMs: 1000, maxDelayMs: 30_000 };

export interface RetryNotice {
  readonly attempt: number;
  readonly error: string;
  readonly delayMs: number;
}

/** Runs a step's attempts under the one retry policy of the platform; the caller hears of each retry. */
export function runAttempts(
  definition: FunctionDefinition,
  ctx: Omit<StepContext, 'memo'>,
  policy: RetryPolicy = STEP_RETRY,
  onRetry: (notice: RetryNotice) => void = () => undefined,
): Promise<StepResult> {
  let memo: object | undefined;
  const context: StepContext = {
    ...ctx,
    memo: <T extends object>(init: () => T): T => {
      memo ??= init();
      return memo as T;
    },
  };
  return withRetry(() => definition.run(context), {
    ...policy,
    signal: ctx.signal,
    onRetry: (error, attempt, delayMs) => onRetry({ attempt, error: errorMessage(error), delayMs }),
  });
}
