import { describe, expect, it } from 'vitest';
import { minimumBars, walkForwardFolds } from './walk-forward.ts';

describe('walkForwardFolds', () => {
  it('rolls a training window and tests on the bars right after it, tiling the test periods', () => {
    expect(walkForwardFolds(100, { train_bars: 40, test_bars: 20 })).toEqual([
      { fold: 0, train: { start: 0, end: 40 }, test: { start: 40, end: 60 } },
      { fold: 1, train: { start: 20, end: 60 }, test: { start: 60, end: 80 } },
      { fold: 2, train: { start: 40, end: 80 }, test: { start: 80, end: 100 } },
    ]);
  });

  it('never tests on a bar it trained on, nor on one before its training window', () => {
    for (const [bars, train, test, step] of [
      [1000, 200, 50, undefined],
      [1000, 300, 100, 30],
      [777, 64, 16, 200],
    ] as const) {
      const folds = walkForwardFolds(bars, { train_bars: train, test_bars: test, step_bars: step });
      expect(folds.length).toBeGreaterThan(0);
      for (const f of folds) {
        expect(f.test.start).toBe(f.train.end);
        expect(f.test.end - f.test.start).toBe(test);
        expect(f.test.end).toBeLessThanOrEqual(bars);
      }
    }
  });

  it('gives no fold below the minimum and exactly one at it', () => {
    const spec = { train_bars: 2016, test_bars: 576 };
    expect(minimumBars(spec)).toBe(2592);
    expect(walkForwardFolds(2591, spec)).toEqual([]);
    expect(walkForwardFolds(2592, spec)).toHaveLength(1);
  });
});
