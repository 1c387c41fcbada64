// HTTP errors are hono's HTTPException carrying a JSON answer ({error, field?}); one onError turns any
// failure into such an answer, and nothing else leaks a stack trace.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';

export function httpError(status: ContentfulStatusCode, message: string, options: { field?: string; cause?: unknown } = {}): HTTPException {
  const body = { error: message, ...(options.field ? { field: options.field } : {}) };
  return new HTTPException(status, { message, res: Response.json(body, { status }), cause: options.cause });
}

/** ['symbols', 1] -> "symbols[1]" */
export function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, part) => (typeof part === 'number' ? `${name}[${part}]` : name ? `${name}.${String(part)}` : String(part)), '');
}

/** A 400 naming the first failing field: "symbols[1]: must be an upper-case symbol such as BTCUSDT". */
export function badRequest(error: ZodError, prefix?: string): HTTPException {
  const first = error.issues[0]!;
  const path = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0]!] : first.path;
  const field = fieldName([...(prefix ? [prefix] : []), ...path]) || 'body';
  return httpError(400, `${field}: ${first.message}`, { field, cause: error });
}

export function onError(error: Error, c: Context, log?: (error: Error) => void): Response {
  if (error instanceof ZodError) return badRequest(error).getResponse();
  if (error instanceof HTTPException) {
    if (error.status >= 500) log?.(error);
    return error.res ? error.getResponse() : c.json({ error: error.message || 'request refused' }, error.status);
  }
  log?.(error);
  return c.json({ error: 'internal error' }, 500);
}
