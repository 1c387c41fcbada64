// Rolling walk-forward folds over a series of bars: fold k fits on bars [k·step, k·step + train) and is
// scored on the `test` bars right after, so every score comes from bars its strategy never fitted on.
// The rl-agent (which trains one policy per fold), the backtester (which scores each fold with it) and
// the orchestrator (which refuses a range too short for one fold) share this arithmetic.

export interface WalkForwardSpec {
  readonly train_bars: number;
  readonly test_bars: number;
  /** Default: test_bars, so test periods tile without overlap. */
  readonly step_bars?: number | undefined;
}

/** Bar indexes: [start, end). */
export interface Fold {
  readonly fold: number;
  readonly train: { readonly start: number; readonly end: number };
  readonly test: { readonly start: number; readonly end: number };
}

/** The bars one fold needs. */
export const minimumBars = (spec: WalkForwardSpec) => spec.train_bars + spec.test_bars;

export function walkForwardFolds(bars: number, spec: WalkForwardSpec): Fold[] {
  const step = spec.step_bars ?? spec.test_bars;
  if (!(spec.train_bars > 0 && spec.test_bars > 0 && step > 0)) throw new RangeError(`walk-forward sizes must be positive: ${JSON.stringify(spec)}`);
  const folds: Fold[] = [];
  for (let start = 0; start + minimumBars(spec) <= bars; start += step) {
    const split = start + spec.train_bars;
    folds.push({ fold: folds.length, train: { start, end: split }, test: { start: split, end: split + spec.test_bars } });
  }
  return folds;
}

/** A fold in time: [from, to) open times of its bars. */
export interface FoldSpan {
  readonly fold: number;
  readonly train: { readonly from: number; readonly to: number };
  readonly test: { readonly from: number; readonly to: number };
}

/**
 * The folds over bars of `intervalMs` from `gridFrom` (an open time) up to `to`: every symbol of a
 * workflow gets the same periods, whatever bars it is missing.
 */
export function foldSpans(gridFrom: number, to: number, intervalMs: number, spec: WalkForwardSpec): FoldSpan[] {
  const bars = Math.max(0, Math.floor((to - gridFrom) / intervalMs));
  const at = (index: number) => gridFrom + index * intervalMs;
  return walkForwardFolds(bars, spec).map((f) => ({
    fold: f.fold,
    train: { from: at(f.train.start), to: at(f.train.end) },
    test: { from: at(f.test.start), to: at(f.test.end) },
  }));
}
