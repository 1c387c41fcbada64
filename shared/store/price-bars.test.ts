import { describe, expect, it } from 'vitest';
import { describeRejected, toPriceSeries } from './price-bars.ts';

const candle = (open_time: number, fields: Record<string, unknown> = {}) => ({ open_time, open: 10, high: 11, low: 9, close: 10.5, volume: 3, ...fields });

describe('stored candles as tradable bars', () => {
  it('leaves out every candle with a price that is not a positive finite number, and says which and why', () => {
    const series = toPriceSeries('BTCUSDT', [
      candle(0),
      candle(1, { close: Number.NaN }),
      candle(2, { high: Number.POSITIVE_INFINITY }),
      candle(3, { open: null }),
      candle(4, { low: 0 }),
      candle(5, { close: '10.5' }),
      candle(6, { volume: -1 }),
      candle(7),
    ]);
    expect(series.bars.map((b) => b.open_time)).toEqual([0, 7]);
    expect(series.rejected).toEqual([
      { open_time: 1, reason: 'close is NaN, not a positive finite price' },
      { open_time: 2, reason: 'high is Infinity, not a positive finite price' },
      { open_time: 3, reason: 'open is null, not a positive finite price' },
      { open_time: 4, reason: 'low is 0, not a positive finite price' },
      { open_time: 5, reason: 'close is "10.5", not a positive finite price' },
      { open_time: 6, reason: 'volume is -1, not a finite quantity' },
    ]);
    for (const bar of series.bars) for (const value of [bar.open, bar.high, bar.low, bar.close, bar.volume]) expect(Number.isFinite(value)).toBe(true);
  });

  it('describes the rejected candles of each symbol for a step message, the first three by time', () => {
    const clean = toPriceSeries('ETHUSDT', [candle(0)]);
    const broken = toPriceSeries(
      'BTCUSDT',
      [1, 2, 3, 4].map((t) => candle(t * 60_000, { close: Number.NaN })),
    );
    expect(describeRejected([clean])).toBeUndefined();
    expect(describeRejected([clean, broken])).toBe(
      'BTCUSDT: 4 candles left out (1970-01-01T00:01:00.000Z: close is NaN, not a positive finite price; 1970-01-01T00:02:00.000Z: close is NaN, not a positive finite price; 1970-01-01T00:03:00.000Z: close is NaN, not a positive finite price; …)',
    );
  });
});
