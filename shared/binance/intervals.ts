// Binance kline interval names and UTC candle-boundary arithmetic
// (epoch-aligned fixed intervals, Monday-aligned weeks, calendar months).

export const KLINE_INTERVALS = ['1s', '1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d', '3d', '1w', '1M'] as const;

export type KlineInterval = (typeof KLINE_INTERVALS)[number];

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const FIXED_MS: Record<Exclude<KlineInterval, '1M'>, number> = {
  '1s': SECOND,
  '1m': MINUTE,
  '3m': 3 * MINUTE,
  '5m': 5 * MINUTE,
  '15m': 15 * MINUTE,
  '30m': 30 * MINUTE,
  '1h': HOUR,
  '2h': 2 * HOUR,
  '4h': 4 * HOUR,
  '6h': 6 * HOUR,
  '8h': 8 * HOUR,
  '12h': 12 * HOUR,
  '1d': DAY,
  '3d': 3 * DAY,
  '1w': 7 * DAY,
};

/** 1970-01-01 was a Thursday; the first Monday 00:00 UTC is four days later. */
const WEEK_OFFSET_MS = 4 * DAY;

const INTERVAL_SET: ReadonlySet<string> = new Set(KLINE_INTERVALS);

export function isKlineInterval(s: string): s is KlineInterval {
  return INTERVAL_SET.has(s);
}

/** Length in ms of a fixed-length interval; undefined for calendar months. */
export function fixedIntervalMs(interval: KlineInterval): number | undefined {
  return interval === '1M' ? undefined : FIXED_MS[interval];
}

/** Open time of the candle of `interval` that contains epoch-ms `t`. */
export function intervalOpenTime(t: number, interval: KlineInterval): number {
  if (interval === '1M') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const len = FIXED_MS[interval];
  const offset = interval === '1w' ? WEEK_OFFSET_MS : 0;
  return Math.floor((t - offset) / len) * len + offset;
}

/** Open time of the candle following the one opening at `openTime`. */
export function nextOpenTime(openTime: number, interval: KlineInterval): number {
  if (interval === '1M') {
    const d = new Date(openTime);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return openTime + FIXED_MS[interval];
}

/** Close time (inclusive, ms) of the candle opening at `openTime`. */
export function closeTime(openTime: number, interval: KlineInterval): number {
  return nextOpenTime(openTime, interval) - 1;
}

/** First aligned open time that is >= t. */
export function alignUp(t: number, interval: KlineInterval): number {
  const open = intervalOpenTime(t, interval);
  return open < t ? nextOpenTime(open, interval) : open;
}

/** All aligned open times o with from <= o < to, ascending. */
export function openTimesBetween(from: number, to: number, interval: KlineInterval): number[] {
  const out: number[] = [];
  for (let o = alignUp(from, interval); o < to; o = nextOpenTime(o, interval)) out.push(o);
  return out;
}
