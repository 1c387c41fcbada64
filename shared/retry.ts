// Retry with exponential backoff and full jitter; honours a server's Retry-After and an AbortSignal.
import { setTimeout as sleep } from 'node:timers/promises';
import { RetriableError, isRetriable } from './errors.ts';

export interface RetryPolicy {
  /** Tries after the first; 0 never retries. */
  readonly retries: number;
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

export interface RetryOptions extends Partial<RetryPolicy> {
  readonly signal?: AbortSignal;
  /** Called before each pause with the attempt that failed (1 for the first). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
}

export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number, random = Math.random): number {
  const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** attempt);
  return Math.round(minDelayMs + random() * (ceiling - minDelayMs));
}

export async function withRetry<T>(work: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { retries = 8, minDelayMs = 100, maxDelayMs = 10_000, signal, onRetry } = options;
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await work(attempt);
    } catch (error) {
      if (!isRetriable(error) || attempt >= retries || signal?.aborted) throw error;
      const serverDelay = error instanceof RetriableError ? error.retryAfterMs : undefined;
      const delay = serverDelay ?? backoffDelay(attempt, minDelayMs, maxDelayMs);
      onRetry?.(error, attempt + 1, delay);
      await sleep(delay, undefined, { signal });
    }
  }
}
