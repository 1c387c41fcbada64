// Kline interval boundary arithmetic on concrete UTC dates.
import { describe, expect, it } from 'vitest';
import { KLINE_INTERVALS, alignUp, closeTime, fixedIntervalMs, intervalOpenTime, isKlineInterval, nextOpenTime, openTimesBetween } from './intervals.ts';

const iso = (s: string): number => Date.parse(s);

describe('kline intervals', () => {
  it('recognises exactly the Binance interval names', () => {
    expect(KLINE_INTERVALS).toHaveLength(16);
    expect(isKlineInterval('1M')).toBe(true);
    expect(isKlineInterval('1m')).toBe(true);
    expect(isKlineInterval('1W')).toBe(false);
    expect(isKlineInterval('2d')).toBe(false);
    expect(isKlineInterval('')).toBe(false);
  });

  it('gives fixed lengths except for months', () => {
    expect(fixedIntervalMs('1s')).toBe(1000);
    expect(fixedIntervalMs('5m')).toBe(300_000);
    expect(fixedIntervalMs('12h')).toBe(43_200_000);
    expect(fixedIntervalMs('3d')).toBe(259_200_000);
    expect(fixedIntervalMs('1w')).toBe(604_800_000);
    expect(fixedIntervalMs('1M')).toBeUndefined();
  });

  it('floors fixed intervals to epoch-aligned boundaries', () => {
    const t = iso('2024-08-01T13:47:29.123Z');
    expect(intervalOpenTime(t, '1s')).toBe(iso('2024-08-01T13:47:29Z'));
    expect(intervalOpenTime(t, '1m')).toBe(iso('2024-08-01T13:47:00Z'));
    expect(intervalOpenTime(t, '15m')).toBe(iso('2024-08-01T13:45:00Z'));
    expect(intervalOpenTime(t, '4h')).toBe(iso('2024-08-01T12:00:00Z'));
    expect(intervalOpenTime(t, '8h')).toBe(iso('2024-08-01T08:00:00Z'));
    expect(intervalOpenTime(t, '1d')).toBe(iso('2024-08-01T00:00:00Z'));
    expect(intervalOpenTime(iso('2024-08-01T00:00:00Z'), '1d')).toBe(iso('2024-08-01T00:00:00Z'));
  });

  it('aligns weeks to Monday 00:00 UTC', () => {
    expect(new Date(iso('2024-08-01T00:00:00Z')).getUTCDay()).toBe(4);
    expect(intervalOpenTime(iso('2024-08-01T10:00:00Z'), '1w')).toBe(iso('2024-07-29T00:00:00Z'));
    expect(intervalOpenTime(iso('2024-07-29T00:00:00Z'), '1w')).toBe(iso('2024-07-29T00:00:00Z'));
    expect(intervalOpenTime(iso('2024-07-28T23:59:59.999Z'), '1w')).toBe(iso('2024-07-22T00:00:00Z'));
    expect(nextOpenTime(iso('2024-07-29T00:00:00Z'), '1w')).toBe(iso('2024-08-05T00:00:00Z'));
  });

  it('aligns months to the first calendar day', () => {
    const feb = intervalOpenTime(iso('2024-02-15T08:30:00Z'), '1M');
    expect(feb).toBe(iso('2024-02-01T00:00:00Z'));
    expect(nextOpenTime(feb, '1M')).toBe(iso('2024-03-01T00:00:00Z'));
    expect(closeTime(feb, '1M')).toBe(iso('2024-02-29T23:59:59.999Z'));
    expect(nextOpenTime(iso('2023-12-01T00:00:00Z'), '1M')).toBe(iso('2024-01-01T00:00:00Z'));
  });

  it('computes close times as next open minus one', () => {
    expect(closeTime(iso('2024-08-01T00:00:00Z'), '5m')).toBe(iso('2024-08-01T00:04:59.999Z'));
    expect(closeTime(iso('2024-08-01T00:00:00Z'), '1d')).toBe(iso('2024-08-01T23:59:59.999Z'));
  });

  it('lists aligned open times in [from, to)', () => {
    const day = iso('2024-08-01T00:00:00Z');
    expect(openTimesBetween(day, day + 86_400_000, '5m')).toHaveLength(288);
    expect(openTimesBetween(day + 1, day + 900_000, '5m')).toEqual([day + 300_000, day + 600_000]);
    expect(openTimesBetween(day, day, '1h')).toEqual([]);
    expect(openTimesBetween(iso('2024-01-15T00:00:00Z'), iso('2024-04-01T00:00:00Z'), '1M')).toEqual([iso('2024-02-01T00:00:00Z'), iso('2024-03-01T00:00:00Z')]);
    expect(alignUp(day + 1, '1h')).toBe(day + 3_600_000);
    expect(alignUp(day, '1h')).toBe(day);
  });
});
