// The random walk's shape on its own: unit variance per year over many increments on both sides of
// its origin, independent increments, and linear between its one-minute knots.
import { describe, expect, it } from 'vitest';
import { BrownianPath, RANDOM_WALK_ORIGIN } from './brownian.ts';

const MINUTE_MS = 60_000;
const YEAR_MS = 365 * 86_400_000;

function increments(path: BrownianPath, from: number, stepMs: number, n: number): number[] {
  const out: number[] = [];
  let prev = path.at(from);
  for (let i = 1; i <= n; i++) {
    const next = path.at(from + i * stepMs);
    out.push(next - prev);
    prev = next;
  }
  return out;
}

describe('BrownianPath', () => {
  it.each([
    ['1m across the origin', RANDOM_WALK_ORIGIN - 100_000 * MINUTE_MS, MINUTE_MS, 200_000],
    ['7m, years before the origin', Date.parse('2018-03-01T00:00:00Z'), 7 * MINUTE_MS, 100_000],
    ['1h, years after the origin', Date.parse('2030-01-01T00:00:00Z'), 3_600_000, 100_000],
  ] as const)('has unit variance per year and no lag-1 correlation: %s increments', (_, from, stepMs, n) => {
    const path = new BrownianPath(0xfeed);
    const steps = increments(path, from, stepMs, n);
    const perYear = (steps.reduce((s, x) => s + x * x, 0) / n) * (YEAR_MS / stepMs);
    // The standard error of a variance from n normal increments is √(2/n): at most 0.45 % here.
    expect(Math.abs(perYear - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    const lag1 = steps.slice(1).reduce((s, x, i) => s + x * steps[i]!, 0) / steps.reduce((s, x) => s + x * x, 0);
    expect(Math.abs(lag1)).toBeLessThan(4 / Math.sqrt(n));
  });

  it('is 0 at its origin, a pure function of time and of its key, and linear between knots', () => {
    const path = new BrownianPath(1);
    expect(path.at(RANDOM_WALK_ORIGIN)).toBe(0);
    const t = Date.parse('2021-05-06T07:08:00Z');
    expect(new BrownianPath(1).at(t)).toBe(path.at(t));
    expect(new BrownianPath(2).at(t)).not.toBe(path.at(t));
    expect(path.at(t + 15_000)).toBeCloseTo(0.75 * path.at(t) + 0.25 * path.at(t + MINUTE_MS), 12);
  });
});
