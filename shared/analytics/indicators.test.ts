import { describe, expect, it } from 'vitest';
import { AnchoredVwap, RealizedVolatility, RollingVwap, Rsi, barsPerYear } from './indicators.ts';

const closes = [
  44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78,
  45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13,
];
const expected = [
  70.4641, 66.2496, 66.4809, 69.3469, 66.2947, 57.915, 62.8807, 63.2088, 56.0116, 62.3399, 54.671, 50.3868, 40.0194, 41.4926, 41.9024, 45.4995, 37.3228, 33.0905, 37.7888,
];

describe('RSI(14), Wilder with TA-Lib seeding', () => {
  it('matches the reference values to 4 decimals from the 15th close', () => {
    const rsi = new Rsi(14);
    const values = closes.map((close) => rsi.next(close));
    expect(values.slice(0, 14)).toEqual(Array(14).fill(null));
    const computed = values.slice(14) as number[];
    expect(computed).toHaveLength(expected.length);
    computed.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i]!, 4);
    });
  });

  it('is 100 when prices only rise and 50 when flat', () => {
    const rising = new Rsi(3);
    expect([1, 2, 3, 4, 5].map((c) => rising.next(c)).at(-1)).toBe(100);
    const flat = new Rsi(3);
    expect([7, 7, 7, 7].map((c) => flat.next(c)).at(-1)).toBe(50);
  });

  it('peeks at an open bar without advancing: the closed bar then gives the reference value', () => {
    const rsi = new Rsi(14);
    for (const close of closes.slice(0, 15)) rsi.next(close);
    // The 16th bar trades at 47 and 45 before it closes at 46.00.
    expect(rsi.peek(47)).toBeGreaterThan(rsi.peek(45)!);
    expect(rsi.next(46.0)).toBeCloseTo(66.2496, 4);
    expect(rsi.next(46.03)).toBeCloseTo(66.4809, 4);
  });
});

describe('VWAP', () => {
  const day = Date.UTC(2024, 7, 1);
  it('weights the typical price by volume and restarts at the UTC day', () => {
    const vwap = new AnchoredVwap();
    // typical prices 10 and 20 with volumes 1 and 3: (10 + 60) / 4 = 17.5
    expect(vwap.next({ open_time: day, high: 11, low: 9, close: 10, volume: 1 })).toBe(10);
    expect(vwap.next({ open_time: day + 300_000, high: 21, low: 19, close: 20, volume: 3 })).toBe(17.5);
    // a new UTC day starts over: typical (30+30+30)/3 = 30
    expect(vwap.next({ open_time: day + 86_400_000, high: 30, low: 30, close: 30, volume: 2 })).toBe(30);
  });

  it('peeks at an open bar without advancing', () => {
    const vwap = new AnchoredVwap();
    vwap.next({ open_time: day, high: 11, low: 9, close: 10, volume: 1 });
    // the open bar so far: typical 40 on volume 1 -> (10 + 40) / 2 = 25; it then closes at 20 on volume 3
    expect(vwap.peek({ open_time: day + 300_000, high: 40, low: 40, close: 40, volume: 1 })).toBe(25);
    expect(vwap.next({ open_time: day + 300_000, high: 21, low: 19, close: 20, volume: 3 })).toBe(17.5);
  });

  it('has no value before any volume has traded', () => {
    expect(new AnchoredVwap().next({ open_time: day, high: 2, low: 1, close: 1.5, volume: 0 })).toBeNull();
  });

  it('rolling variant only sees the last N bars', () => {
    const vwap = new RollingVwap(2);
    vwap.next({ high: 10, low: 10, close: 10, volume: 100 });
    vwap.next({ high: 20, low: 20, close: 20, volume: 1 });
    // window holds bars 2 and 3: (20*1 + 30*1) / 2 = 25
    expect(vwap.next({ high: 30, low: 30, close: 30, volume: 1 })).toBe(25);
  });
});

describe('realized volatility', () => {
  it('is the annualized sample standard deviation of log returns', () => {
    // log returns ln(2), ln(0.5), ln(2): mean ln(2)/3; deviations (2/3, -4/3, 2/3)·ln2
    // sample variance = (4/9 + 16/9 + 4/9)·ln2² / 2 = (4/3)·ln2²  ->  std = ln2·sqrt(4/3)
    const vol = new RealizedVolatility(3, 4);
    expect([1, 2, 1].map((c) => vol.next(c))).toEqual([null, null, null]);
    expect(vol.next(2)).toBeCloseTo(Math.LN2 * Math.sqrt(4 / 3) * 2, 12);
  });

  it('annualizes by bars per year of an all-year market', () => {
    expect(barsPerYear(60_000)).toBe(525_600);
    expect(barsPerYear(300_000)).toBe(105_120);
  });
});
