// UTC, half-open time ranges: the seed's "2024-08-01:2024-08-02" on the wire, {from, to} in epoch
// milliseconds inside. The codec is the one place that reads or writes the string.
import { z } from 'zod';

export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Nothing trades before Unix time; a date before it is a typo. */
const EARLIEST = Date.UTC(1970, 0, 1);

function utcDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  const valid = back.getUTCFullYear() === Number(m[1]) && back.getUTCMonth() === Number(m[2]) - 1 && back.getUTCDate() === Number(m[3]);
  return valid && ms >= EARLIEST ? ms : undefined;
}

/** Why a range string is not valid, or undefined when it is. */
function problem(text: string): string | undefined {
  const parts = text.split(':');
  if (parts.length !== 2) return 'must be <start date>:<end date>, e.g. 2024-08-01:2024-08-02';
  const [start, end] = parts as [string, string];
  const from = utcDate(start);
  const to = utcDate(end);
  if (from === undefined) return `start "${start}" is not a valid YYYY-MM-DD date from 1970-01-01 on`;
  if (to === undefined) return `end "${end}" is not a valid YYYY-MM-DD date from 1970-01-01 on`;
  if (to <= from) return `end ${end} must be after start ${start} (the range is half-open)`;
  return undefined;
}

/** The seed's range string, checked but kept as text (where it is only recorded, as a model's lineage). */
export const timeRangeTextSchema = z.string().superRefine((text, ctx) => {
  const message = problem(text);
  if (message) ctx.addIssue({ code: 'custom', message });
});

export const formatDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export const timeRangeSchema = z.codec(timeRangeTextSchema, z.object({ from: z.number().int(), to: z.number().int() }).readonly(), {
  decode: (text) => {
    const [start, end] = text.split(':') as [string, string];
    return { from: utcDate(start)!, to: utcDate(end)! };
  },
  encode: (range) => `${formatDate(range.from)}:${formatDate(range.to)}`,
});

const DAY_MS = 86_400_000;
export const daysIn = (range: TimeRange) => Math.ceil((range.to - range.from) / DAY_MS);
