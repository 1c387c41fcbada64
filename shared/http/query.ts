// Query-string parameters more than one HTTP function reads, with the same words in their 400s.
import { z } from 'zod';

/** `limit`: a whole number from 1 to `max` written in digits; left out, `fallback`. */
export const limitParam = (max: number, fallback: number) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return fallback;
      if (text === '') ctx.addIssue({ code: 'custom', message: `is empty; give a whole number from 1 to ${max}, or leave it out for ${fallback}` });
      else if (!/^\d+$/.test(text)) ctx.addIssue({ code: 'custom', message: `must be a whole number from 1 to ${max} written in digits, not "${text}"` });
      else if (Number(text) < 1 || Number(text) > max) ctx.addIssue({ code: 'custom', message: `must be from 1 to ${max}, not ${text}` });
      else return Number(text);
      return z.NEVER;
    })
    .meta({ param: { name: 'limit', in: 'query' }, description: `at most this many (default ${fallback}, max ${max})`, example: String(fallback) });
