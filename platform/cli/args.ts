// Command-line options of each command, checked before anything runs: an unknown flag, a missing value
// or a value that cannot be used is a UsageError naming it.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from './usage.ts';

export type OptionTypes = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Parses argv for one command; `schema` turns the raw strings into the values the command uses. */
export function parseOptions<S extends z.ZodType>(argv: readonly string[], options: OptionTypes, schema: S): { values: z.output<S>; positionals: string[] } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, '').replaceAll('\n', ' '));
  }
  const result = schema.safeParse(parsed.values);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new UsageError(`--${issue.path.join('.')}: ${issue.message}`);
  }
  return { values: result.data, positionals: parsed.positionals };
}

/** A number option written in digits (and a dot), with bounds; anything else is refused with what was given. */
export const numberOption = (what: string, bounds: { min?: number; max?: number; integer?: boolean }) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
      const wrong =
        Number.isNaN(value) || (bounds.integer && !Number.isInteger(value)) || (bounds.min !== undefined && value < bounds.min) || (bounds.max !== undefined && value > bounds.max);
      if (wrong) {
        ctx.addIssue({ code: 'custom', message: `must be ${what}, not "${text}"` });
        return z.NEVER;
      }
      return value;
    });

/** A comma-separated list option that must not be empty. */
export const listOption = (example: string) =>
  z
    .string({ error: `is required, e.g. ${example}` })
    .transform((text) =>
      text
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .refine((items) => items.length > 0, `must list at least one, e.g. ${example}`);
