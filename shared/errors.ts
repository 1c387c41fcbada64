// Errors say whether to retry; every error keeps its cause.

/** Worth trying again: a timeout, a 5xx, a broker that is briefly away. */
export class RetriableError extends Error {
  override readonly name = 'RetriableError';
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { cause?: unknown; retryAfterMs?: number } = {}) {
    super(message, { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Will fail the same way every time: bad input, an unknown symbol. Dead-letter it or fail the step. */
export class NonRetriableError extends Error {
  override readonly name = 'NonRetriableError';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

/** A bug, not a circumstance: trying again would fail the same way. */
const PROGRAMMING_ERRORS = [TypeError, RangeError, ReferenceError, SyntaxError];

/** Retriable unless it says otherwise or is a programming error: other failures are assumed transient. */
export function isRetriable(error: unknown): boolean {
  if (error instanceof RetriableError) return true;
  if (error instanceof NonRetriableError) return false;
  return !PROGRAMMING_ERRORS.some((type) => error instanceof type);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line naming each failing field: "symbol: must be an upper-case symbol; type: …". Non-zod errors keep their message. */
export function describeInvalid(error: unknown): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  if (!Array.isArray(issues)) return errorMessage(error);
  return issues.map((issue) => `${issue.path.map(String).join('.') || 'record'}: ${issue.message}`).join('; ');
}
