// Query-string schemas of the read API: times as epoch milliseconds or ISO-8601, half-open ranges.
import { z } from 'zod';
import { KLINE_INTERVALS } from '../../shared/binance/intervals.ts';
import { symbolSchema } from '../../shared/contracts/workflow.ts';

const instant = z.string().transform((text, ctx) => {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO-8601 time' });
    return z.NEVER;
  }
  return ms;
});

const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

const range = { symbol: symbolSchema, from: instant, to: instant };
const ordered = <T extends { from: number; to: number }>(q: T, ctx: z.RefinementCtx) => {
  if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from (the range is half-open)' });
};

export const candlesQuerySchema = z.strictObject({ ...range, interval: z.enum(KLINE_INTERVALS), limit: limit(10_000, 1000) }).superRefine(ordered);
export const tradesQuerySchema = z.strictObject({ ...range, limit: limit(10_000, 1000) }).superRefine(ordered);
export const listQuerySchema = z.strictObject({
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']).optional(),
  limit: limit(1000, 100),
});
