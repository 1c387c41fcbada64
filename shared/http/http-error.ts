// The one HTTP error type, and the one error handler that turns any failure into a JSON answer.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: ContentfulStatusCode;
  readonly field: string | undefined;
  constructor(status: ContentfulStatusCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.status = status;
    this.field = options.field;
  }
}

/** ['symbols', 1] -> "symbols[1]" */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${String(part)}` : String(part)), '');
}

export function badRequest(error: ZodError, prefix?: string): HttpError {
  const first = error.issues[0]!;
  const path = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0]!] : first.path;
  const field = fieldName([...(prefix ? [prefix] : []), ...path]) || 'body';
  return new HttpError(400, `${field}: ${first.message}`, { field, cause: error });
}

export function onError(error: Error, c: Context, log?: (error: Error) => void) {
  if (error instanceof ZodError) error = badRequest(error);
  if (error instanceof HttpError) {
    return c.json({ error: error.message, ...(error.field ? { field: error.field } : {}) }, error.status);
  }
  const status = (error as { status?: number }).status;
  if (status === 413) return c.json({ error: 'request body too large' }, 413);
  log?.(error);
  return c.json({ error: 'internal error' }, 500);
}
