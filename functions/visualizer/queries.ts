// Query strings of the visualizer: a symbol and a candle interval, for the live socket and the history;
// the history also takes how many bars.
import { z } from 'zod';
import { KLINE_INTERVALS } from '../../shared/binance/intervals.ts';
import { symbolSchema } from '../../shared/contracts/names.ts';

export const MAX_HISTORY_BARS = 1000;
const DEFAULT_HISTORY_BARS = 500;

const interval = z.enum(KLINE_INTERVALS, { error: `must be one of ${KLINE_INTERVALS.join(', ')}` });

export const liveQuerySchema = z.strictObject({ symbol: symbolSchema, interval: interval.default('1m') });

export const historyQuerySchema = z.strictObject({
  symbol: symbolSchema,
  interval: interval.default('1m'),
  limit: z
    .string()
    .regex(/^\d+$/, `must be a whole number from 1 to ${MAX_HISTORY_BARS}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be from 1 to ${MAX_HISTORY_BARS}`).max(MAX_HISTORY_BARS, `must be from 1 to ${MAX_HISTORY_BARS}`))
    .default(DEFAULT_HISTORY_BARS),
});

export type LiveQuery = z.output<typeof liveQuerySchema>;
export type HistoryQuery = z.output<typeof historyQuerySchema>;
