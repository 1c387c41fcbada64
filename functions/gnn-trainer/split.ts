// Train, validation and test parts in time order, never shuffled across time. Sliding windows overlap
// and a label reaches a window ahead, so each later part starts only after the bars the earlier parts
// used: the purge gap keeps a training label from being a validation or test sample's input.
import { type SplitFractions, DEFAULT_FRACTIONS, checkFractions, describeFractions, minimumSamples, partSizes } from '../../shared/analytics/time-split.ts';
import { NonRetriableError } from '../../shared/errors.ts';

export { DEFAULT_FRACTIONS, type SplitFractions } from '../../shared/analytics/time-split.ts';

/** The bars a sample uses: open times in [firstBar, lastBar). */
export interface TimeSpan {
  readonly firstBar: number;
  readonly lastBar: number;
}

export interface TimeSplit<T> {
  readonly train: readonly T[];
  readonly validation: readonly T[];
  readonly test: readonly T[];
  /** Samples dropped at the start of the validation and test parts to keep them clear of earlier bars. */
  readonly purged: number;
}

/** Too little history for a purged three-way split; the same graph fails the same way, so not retried. */
export class NotEnoughWindowsError extends NonRetriableError {
  readonly needed: number;
  readonly available: number;
  constructor(message: string, counts: { needed: number; available: number }, options: { cause?: unknown } = {}) {
    super(message, options);
    this.needed = counts.needed;
    this.available = counts.available;
  }
}

/** Cuts time-ordered samples into train, validation and test with purge gaps; throws NotEnoughWindowsError when a part would be empty. */
export function splitByTime<T extends TimeSpan>(samples: readonly T[], fractions: SplitFractions = DEFAULT_FRACTIONS): TimeSplit<T> {
  checkFractions(fractions);
  const ordered = [...samples].sort((a, b) => a.firstBar - b.firstBar);
  const split = cut(ordered, fractions);
  if (split !== undefined) return split;
  const needed = minimumSamples(fractions, overlapping(ordered));
  throw new NotEnoughWindowsError(`a ${describeFractions(fractions)} time split with purge gaps needs at least ${needed} samples here, and there are ${ordered.length}`, {
    needed,
    available: ordered.length,
  });
}

function cut<T extends TimeSpan>(ordered: readonly T[], fractions: SplitFractions): TimeSplit<T> | undefined {
  const sizes = partSizes(ordered.length, fractions);
  const trainEnd = sizes.train;
  const validationEnd = trainEnd + sizes.validation;
  const train = ordered.slice(0, trainEnd);
  const validation = startingAt(ordered.slice(trainEnd, validationEnd), endOf(train));
  const test = startingAt(ordered.slice(validationEnd), Math.max(endOf(train), endOf(validation)));
  if (train.length === 0 || validation.length === 0 || test.length === 0) return undefined;
  return { train, validation, test, purged: ordered.length - train.length - validation.length - test.length };
}

/** The part without its leading samples that start before `bar`. */
function startingAt<T extends TimeSpan>(part: readonly T[], bar: number): T[] {
  const first = part.findIndex((sample) => sample.firstBar >= bar);
  return first === -1 ? [] : part.slice(first);
}

const endOf = (samples: readonly TimeSpan[]) => samples.reduce((end, s) => Math.max(end, s.lastBar), Number.NEGATIVE_INFINITY);

/** How many samples after the first start before it ends: those a purge gap drops at a boundary. */
function overlapping(ordered: readonly TimeSpan[]): number {
  const first = ordered[0];
  return first === undefined ? 0 : ordered.filter((s, i) => i > 0 && s.firstBar < first.lastBar).length;
}
