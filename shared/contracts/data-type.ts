// Data types: the seed's strings on the wire (api_candles_5m, api_trades, ws_depth), a readonly
// discriminated union inside the platform. The codec is the one place that reads or writes the string.
import { z } from 'zod';
import { KLINE_INTERVALS, type KlineInterval } from '../binance/intervals.ts';

export type DataSource = 'api' | 'ws';

export type DataType =
  | { readonly source: DataSource; readonly kind: 'candles'; readonly interval: KlineInterval }
  | { readonly source: DataSource; readonly kind: 'trades' }
  | { readonly source: 'ws'; readonly kind: 'depth' };

const intervals = KLINE_INTERVALS.join('|');
const WIRE = new RegExp(`^(api|ws)_(?:(candles)_(${intervals})|(trades)|(depth))$`);
const wireSchema = z.string().superRefine((text, ctx) => {
  const match = WIRE.exec(text);
  if (!match || (match[5] && match[1] !== 'ws')) {
    ctx.addIssue({ code: 'custom', message: 'must be api_candles_<interval>, api_trades, ws_candles_<interval>, ws_trades or ws_depth' });
  }
});

const dataTypeObjectSchema = z.discriminatedUnion('kind', [
  z.object({ source: z.enum(['api', 'ws']), kind: z.literal('candles'), interval: z.enum(KLINE_INTERVALS) }).readonly(),
  z.object({ source: z.enum(['api', 'ws']), kind: z.literal('trades') }).readonly(),
  z.object({ source: z.literal('ws'), kind: z.literal('depth') }).readonly(),
]);

export function parseDataType(text: string): DataType {
  const match = WIRE.exec(text);
  if (!match) throw new Error(`unknown data type ${text}`);
  const source = match[1] as DataSource;
  if (match[2]) return { source, kind: 'candles', interval: match[3] as KlineInterval };
  if (match[4]) return { source, kind: 'trades' };
  return { source: 'ws', kind: 'depth' };
}

export function formatDataType(type: DataType): string {
  return type.kind === 'candles' ? `${type.source}_candles_${type.interval}` : `${type.source}_${type.kind}`;
}

export const dataTypeSchema = z.codec(wireSchema, dataTypeObjectSchema, { decode: parseDataType, encode: formatDataType });
