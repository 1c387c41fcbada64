// The boundary: a bus record's text parsed against its schema, or the one-line reason it was refused.
import type { z } from 'zod';
import { describeInvalid, errorMessage } from '../errors.ts';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

export function parseRecord<S extends z.ZodType>(schema: S, text: string): Parsed<z.infer<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${errorMessage(error)}` };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: describeInvalid(parsed.error) };
}
