// A topic is declared once with its name, zod schema and key: publishing encodes and validates through
// the schema, consuming parses through it (inngest's eventType(name, { schema }) habit).
import type { z } from 'zod';
import { describeInvalid, errorMessage } from '../errors.ts';

export interface Topic<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly schema: S;
  /** The record key: records with one key keep their order (one partition). */
  key(value: z.output<S>): string;
  /**
   * The schema has no codecs: a value is its own wire form, so publishing checks it by parsing, which
   * zod runs about twice as fast as encoding (it matters on data topics, where every record is checked).
   */
  readonly valuesAreWire?: boolean;
}

export type TopicValue<T extends Topic> = z.output<T['schema']>;

export function defineTopic<S extends z.ZodType>(name: string, definition: { schema: S; key: (value: z.output<S>) => string; valuesAreWire?: boolean }): Topic<S> {
  return { name, ...definition };
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** A record's text parsed (and decoded) against the topic's schema, or the one-line reason it was refused. */
export function decodeRecord<S extends z.ZodType>(topic: Topic<S>, text: string): Parsed<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${errorMessage(error)}` };
  }
  const parsed = topic.schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: describeInvalid(parsed.error) };
}

/** A value encoded to its wire text, or the reason it does not satisfy the topic's schema. */
export function encodeRecord<S extends z.ZodType>(topic: Topic<S>, value: z.output<S>): Parsed<string> {
  const encoded = topic.valuesAreWire ? topic.schema.safeParse(value) : topic.schema.safeEncode(value);
  return encoded.success ? { ok: true, value: JSON.stringify(encoded.data) } : { ok: false, reason: describeInvalid(encoded.error) };
}
