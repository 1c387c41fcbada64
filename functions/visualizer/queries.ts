// Query strings of the visualizer: a symbol and a candle interval, for the live socket and the history;
// the history also takes how many bars.
import { z } from 'zod';
import { KLINE_INTERVALS } from '../../shared/binance/intervals.ts';
import { symbolSchema } from '../../shared/contracts/names.ts';
import { limitParam } from '../../shared/http/query.ts';

export const MAX_HISTORY_BARS = 1000;
const DEFAULT_HISTORY_BARS = 500;

const interval = z.enum(KLINE_INTERVALS, { error: `must be one of ${KLINE_INTERVALS.join(', ')}` });

export const liveQuerySchema = z.strictObject({ symbol: symbolSchema, interval: interval.default('1m') });

export const historyQuerySchema = z.strictObject({
  symbol: symbolSchema,
  interval: interval.default('1m'),
  limit: limitParam(MAX_HISTORY_BARS, DEFAULT_HISTORY_BARS),
});

export type LiveQuery = z.output<typeof liveQuerySchema>;
export type HistoryQuery = z.output<typeof historyQuerySchema>;
