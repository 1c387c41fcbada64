// How many windows a purged three-way time split needs: shared by gnn-trainer, which splits, and the
// orchestrator, which refuses a workflow whose range cannot give that many before loading anything.

/** The shares of the samples held out, in time order: validation after training, then test; training gets the rest. */
export interface SplitFractions {
  readonly validation: number;
  readonly test: number;
}

export const DEFAULT_FRACTIONS: SplitFractions = { validation: 0.15, test: 0.15 };

export const describeFractions = (f: SplitFractions) => [1 - f.validation - f.test, f.validation, f.test].map((x) => Math.round(x * 100)).join('/');

export function checkFractions(f: SplitFractions): void {
  if (!(f.validation > 0 && f.test > 0 && f.validation + f.test < 1)) {
    throw new RangeError(`split fractions must be positive and leave a training part: validation ${f.validation}, test ${f.test}`);
  }
}

export function partSizes(n: number, fractions: SplitFractions) {
  // The epsilon keeps a product such as 0.7 * 100 from flooring one short through binary rounding.
  const train = Math.floor(n * (1 - fractions.validation - fractions.test) + 1e-9);
  const validation = Math.floor(n * fractions.validation + 1e-9);
  return { train, validation, test: n - train - validation };
}

/**
 * The fewest evenly spaced samples that split into three non-empty parts when each sample overlaps the
 * `overlap` samples after it (those a purge gap drops at each boundary).
 */
export function minimumSamples(fractions: SplitFractions, overlap: number): number {
  checkFractions(fractions);
  for (let n = 3; ; n++) {
    const sizes = partSizes(n, fractions);
    if (sizes.train > 0 && sizes.validation > overlap && sizes.test > overlap) return n;
  }
}

/**
 * Windows of `window_bars` every `stride_bars` needed for the split. A sample spans its window and its
 * label window, 2·h strides for a horizon of h = window/stride windows, so it overlaps the 2h - 1 samples
 * after it; the last h windows have no label window and make no sample.
 */
export function minimumWindows(spec: { readonly window_bars: number; readonly stride_bars: number }, fractions: SplitFractions): number {
  const horizon = spec.window_bars / spec.stride_bars;
  return minimumSamples(fractions, 2 * horizon - 1) + horizon;
}
