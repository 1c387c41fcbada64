// How well up/down calls match what happened, over the nodes a mask admits: accuracy, and the Matthews
// correlation coefficient, which unlike accuracy gives a constant guess no credit on an unbalanced market.

export interface Confusion {
  readonly truePositive: number;
  readonly trueNegative: number;
  readonly falsePositive: number;
  readonly falseNegative: number;
}

export interface ClassificationMetrics {
  /** Nodes counted. */
  readonly nodes: number;
  /** Share of counted nodes called right; 0 when none are counted. */
  readonly accuracy: number;
  /** In [-1, 1]; 0 when undefined, i.e. when the calls or the outcomes are all one class. */
  readonly mcc: number;
}

/** Compares 0/1 calls with 0/1 outcomes where mask is 1. */
export function confusion(predicted: ArrayLike<number>, actual: ArrayLike<number>, mask: ArrayLike<number>): Confusion {
  let truePositive = 0;
  let trueNegative = 0;
  let falsePositive = 0;
  let falseNegative = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    if (predicted[i]) actual[i] ? truePositive++ : falsePositive++;
    else actual[i] ? falseNegative++ : trueNegative++;
  }
  return { truePositive, trueNegative, falsePositive, falseNegative };
}

export function combine(parts: readonly Confusion[]): Confusion {
  return parts.reduce(
    (sum, c) => ({
      truePositive: sum.truePositive + c.truePositive,
      trueNegative: sum.trueNegative + c.trueNegative,
      falsePositive: sum.falsePositive + c.falsePositive,
      falseNegative: sum.falseNegative + c.falseNegative,
    }),
    { truePositive: 0, trueNegative: 0, falsePositive: 0, falseNegative: 0 },
  );
}

export function accuracy(c: Confusion): number {
  const nodes = total(c);
  return nodes === 0 ? 0 : (c.truePositive + c.trueNegative) / nodes;
}

export function matthews(c: Confusion): number {
  const { truePositive: tp, trueNegative: tn, falsePositive: fp, falseNegative: fn } = c;
  const denominator = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return denominator === 0 ? 0 : (tp * tn - fp * fn) / denominator;
}

export function classificationMetrics(c: Confusion): ClassificationMetrics {
  return { nodes: total(c), accuracy: accuracy(c), mcc: matthews(c) };
}

const total = (c: Confusion) => c.truePositive + c.trueNegative + c.falsePositive + c.falseNegative;
