// The time split over graphs of several window and stride sizes, overlapping windows included: no
// validation or test sample may start before a bar an earlier part used, and too short a history fails
// with how many windows it needs.
import { describe, expect, it } from 'vitest';
import { NonRetriableError } from '../../shared/errors.ts';
import { minimumWindows, prepareDataset } from './dataset.ts';
import { buildSamples } from './samples.ts';
import { DEFAULT_FRACTIONS, NotEnoughWindowsError, type SplitFractions, splitByTime, type TimeSpan } from './split.ts';
import { storedGraph } from './test-support.ts';

const graphOf = (windows: number, windowBars: number, strideBars: number) => storedGraph({ symbols: ['A', 'B'], windows, windowBars, strideBars });

/** Every sample of a later part starts at or after the end of every sample of the parts before it. */
function expectSeparated(...parts: (readonly TimeSpan[])[]) {
  parts.forEach((part, p) => {
    const starts = part.map((s) => s.firstBar);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const earliestStart = Math.min(...starts);
    const latestEnd = Math.max(...parts.slice(0, p).flatMap((earlier) => earlier.map((s) => s.lastBar)));
    expect(earliestStart).toBeGreaterThanOrEqual(latestEnd);
  });
}

const GEOMETRIES = [
  [8, 8],
  [24, 24],
  [24, 12],
  [24, 8],
  [24, 6],
  [16, 2],
  [12, 1],
] as const;
const FRACTIONS: SplitFractions[] = [DEFAULT_FRACTIONS, { validation: 0.2, test: 0.2 }, { validation: 0.1, test: 0.4 }];

describe('splitByTime', () => {
  for (const [windowBars, strideBars] of GEOMETRIES) {
    it(`keeps validation and test clear of earlier bars for ${windowBars}-bar windows every ${strideBars} bars`, () => {
      for (const fractions of FRACTIONS) {
        const least = minimumWindows({ window_bars: windowBars, stride_bars: strideBars }, fractions);
        for (const windows of [least, least + 1, least + 7, 3 * least + 5]) {
          const samples = buildSamples(graphOf(windows, windowBars, strideBars).graph, [], []);
          const split = splitByTime(samples, fractions);
          expect(split.train.length).toBeGreaterThan(0);
          expect(split.validation.length).toBeGreaterThan(0);
          expect(split.test.length).toBeGreaterThan(0);
          expectSeparated(split.train, split.validation, split.test);
          expect(split.train.length + split.validation.length + split.test.length + split.purged).toBe(samples.length);
          // The purge drops only what overlaps: the sample before each later part's first one would.
          const validationStart = samples.indexOf(split.validation[0]!);
          const testStart = samples.indexOf(split.test[0]!);
          expect(samples[validationStart - 1]!.firstBar).toBeLessThan(split.train.at(-1)!.lastBar);
          if (samples[testStart - 1] !== split.validation.at(-1)) expect(samples[testStart - 1]!.firstBar).toBeLessThan(split.validation.at(-1)!.lastBar);
        }
      }
    });
  }

  it('cuts 70/15/15 of non-overlapping samples and purges the one sample each boundary overlaps', () => {
    const samples = buildSamples(graphOf(101, 8, 8).graph, [], []);
    const split = splitByTime(samples);
    expect([split.train.length, split.validation.length, split.test.length, split.purged]).toEqual([70, 14, 14, 2]);
    expect(split.validation[0]!.window).toBe(71);
    expect(split.test[0]!.window).toBe(86);
  });

  it('orders the samples by time whatever order they come in', () => {
    const samples = buildSamples(graphOf(60, 8, 8).graph, [], []);
    expect(splitByTime([...samples].reverse())).toEqual(splitByTime(samples));
  });

  it('refuses fractions that leave no training part', () => {
    expect(() => splitByTime([], { validation: 0.5, test: 0.5 })).toThrow(RangeError);
  });
});

describe('prepareDataset', () => {
  it('fails without retry, naming the windows needed and the windows there are, one window short', () => {
    for (const [windowBars, strideBars] of GEOMETRIES) {
      const needed = minimumWindows({ window_bars: windowBars, stride_bars: strideBars }, DEFAULT_FRACTIONS);
      const short = graphOf(needed - 1, windowBars, strideBars);
      let error: unknown;
      try {
        prepareDataset(short.graph, short.vertices, short.edges, DEFAULT_FRACTIONS);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(NotEnoughWindowsError);
      expect(error).toBeInstanceOf(NonRetriableError);
      expect(error).toMatchObject({ needed, available: needed - 1 });
      expect((error as Error).message).toContain(`has ${needed - 1} windows`);
      expect((error as Error).message).toContain(`needs at least ${needed}`);
      const enough = graphOf(needed, windowBars, strideBars);
      expect(() => prepareDataset(enough.graph, enough.vertices, enough.edges, DEFAULT_FRACTIONS)).not.toThrow();
    }
  });

  it('fits the scaler on the training part only', () => {
    const stored = storedGraph({
      symbols: ['A', 'B'],
      windows: 40,
      windowBars: 8,
      strideBars: 8,
      // A level shift after the training part: the validation and test rsi must not move the mean.
      vertex: (window) => ({ log_return: 0.001, realized_vol: 0.01, rsi: window < 28 ? 50 : 90, volume_z: 0 }),
    });
    const dataset = prepareDataset(stored.graph, stored.vertices, stored.edges, DEFAULT_FRACTIONS);
    expect(dataset.split.train.at(-1)!.window).toBe(26);
    expect(dataset.scaler.mean[2]).toBe(50);
  });
});
