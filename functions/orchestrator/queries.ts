// Query-string schemas of the read API: times as epoch milliseconds or ISO-8601, half-open ranges,
// whole-number limits written in digits, and opaque cursors for paging.
import { z } from 'zod';
import { KLINE_INTERVALS } from '../../shared/binance/intervals.ts';
import { symbolSchema } from '../../shared/contracts/names.ts';
import { limitParam as limit } from '../../shared/http/query.ts';
import type { Cursor } from '../../shared/store/market-data.ts';
import { WORKFLOW_STATUSES } from '../../shared/contracts/workflow.ts';

const instant = (name: string) =>
  z
    .string()
    .transform((text, ctx) => {
      const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
      if (!Number.isFinite(ms)) {
        ctx.addIssue({ code: 'custom', message: 'must be epoch milliseconds or an ISO-8601 time' });
        return z.NEVER;
      }
      return ms;
    })
    .meta({ param: { name, in: 'query' }, description: 'epoch milliseconds or ISO-8601; the range is half-open [from, to)', example: '2024-08-01T00:00:00Z' });

export const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify([cursor.value, cursor.tiebreak])).toString('base64url');

const cursor = z
  .string()
  .optional()
  .transform((text, ctx): Cursor | undefined => {
    if (text === undefined) return undefined;
    try {
      const [value, tiebreak] = JSON.parse(Buffer.from(text, 'base64url').toString()) as unknown[];
      if (Number.isInteger(value) && Number.isInteger(tiebreak)) return { value: value as number, tiebreak: tiebreak as number };
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'is not a cursor this API gave out; follow the `next` link of the previous page' });
    return z.NEVER;
  })
  .meta({ param: { name: 'cursor', in: 'query' }, description: "where the previous page ended: take it from that page's `next` link" });

const ordered = <T extends { from: number; to: number }>(q: T, ctx: z.RefinementCtx) => {
  if (q.to <= q.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from (the range is half-open)' });
};

const symbol = symbolSchema.meta({ param: { name: 'symbol', in: 'query' }, example: 'BTCUSDT' });
const range = { symbol, from: instant('from'), to: instant('to'), cursor };

export const candlesQuerySchema = z
  .strictObject({ ...range, interval: z.enum(KLINE_INTERVALS).meta({ param: { name: 'interval', in: 'query' }, example: '5m' }), limit: limit(10_000, 1000) })
  .superRefine(ordered);
export const tradesQuerySchema = z.strictObject({ ...range, limit: limit(10_000, 1000) }).superRefine(ordered);
export const listQuerySchema = z.strictObject({
  status: z
    .enum(WORKFLOW_STATUSES)
    .optional()
    .meta({ param: { name: 'status', in: 'query' }, description: 'only workflows in this status' }),
  limit: limit(1000, 100),
});

/** A workflow's timeline: entries after `after` (an entry's seq, or a page's `cursor`), `limit` at a time. */
export const timelineQuerySchema = z.strictObject({
  after: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return 0;
      if (/^\d{1,15}$/.test(text)) return Number(text);
      ctx.addIssue({ code: 'custom', message: `must be the seq of an entry (a whole number, 0 or more, written in digits), not "${text}"` });
      return z.NEVER;
    })
    .meta({ param: { name: 'after', in: 'query' }, description: "only entries after this seq: a page's `cursor` (left out or 0: from the first)", example: '0' }),
  limit: limit(5000, 500),
});

export type CandlesQuery = z.output<typeof candlesQuerySchema>;
export type TradesQuery = z.output<typeof tradesQuerySchema>;
