// Workflow request and the vocabulary shared by every message: data types and UTC time ranges.
import { z } from 'zod';
import { KLINE_INTERVALS, type KlineInterval } from '../binance/intervals.ts';

const intervals = KLINE_INTERVALS.join('|');
const DATA_TYPE = new RegExp(`^(api_candles_(${intervals})|api_trades|ws_candles_(${intervals})|ws_trades|ws_depth)$`);

export const dataTypeSchema = z
  .string()
  .regex(DATA_TYPE, 'must be api_candles_<interval>, api_trades, ws_candles_<interval>, ws_trades or ws_depth');
export type DataType = string;

/** The kline interval of a candle type, or undefined for trades and depth. */
export function candleInterval(type: DataType): KlineInterval | undefined {
  const match = /^(?:api|ws)_candles_(.+)$/.exec(type);
  return match ? (match[1] as KlineInterval) : undefined;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseUtcDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const back = new Date(ms);
  const valid = back.getUTCFullYear() === Number(m[1]) && back.getUTCMonth() === Number(m[2]) - 1 && back.getUTCDate() === Number(m[3]);
  return valid ? ms : undefined;
}

export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/** "2024-08-01:2024-08-02" is UTC and half-open: all of 2024-08-01, nothing of 2024-08-02. */
export function parseTimeRange(text: string): TimeRange {
  const parts = text.split(':');
  if (parts.length !== 2) throw new Error('must be <start date>:<end date>, e.g. 2024-08-01:2024-08-02');
  const from = parseUtcDate(parts[0]!);
  const to = parseUtcDate(parts[1]!);
  if (from === undefined) throw new Error(`start "${parts[0]}" is not a valid YYYY-MM-DD date`);
  if (to === undefined) throw new Error(`end "${parts[1]}" is not a valid YYYY-MM-DD date`);
  if (to <= from) throw new Error(`end ${parts[1]} must be after start ${parts[0]} (the range is half-open)`);
  return { from, to };
}

export const timeRangeSchema = z.string().superRefine((text, ctx) => {
  try {
    parseTimeRange(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

export const symbolSchema = z.string().regex(/^[A-Z0-9]{2,20}$/, 'must be an upper-case symbol such as BTCUSDT');

export const workflowRequestSchema = z.strictObject({
  symbols: z.array(symbolSchema).min(1, 'must list at least one symbol').max(100),
  types: z.array(dataTypeSchema).min(1, 'must list at least one type').max(20),
  time_range: timeRangeSchema,
});

export type WorkflowRequest = z.infer<typeof workflowRequestSchema>;
