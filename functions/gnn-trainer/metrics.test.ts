// Accuracy and MCC against values worked out by hand, and the two baselines on a constructed test part.
import { describe, expect, it } from 'vitest';
import { baselines } from './evaluate.ts';
import { accuracy, classificationMetrics, confusion, matthews } from './metrics.ts';
import type { GraphSample } from './samples.ts';

describe('classification metrics', () => {
  // Counted: tp at 0 and 4, fp at 1, tn at 2, fn at 3; node 5 is masked out.
  const counted = confusion([1, 1, 0, 0, 1, 1], [1, 0, 0, 1, 1, 0], [1, 1, 1, 1, 1, 0]);

  it('counts only masked nodes', () => {
    expect(counted).toEqual({ truePositive: 2, trueNegative: 1, falsePositive: 1, falseNegative: 1 });
  });

  it('gives accuracy 3/5 and MCC (2·1 - 1·1) / sqrt(3·3·2·2) = 1/6', () => {
    expect(accuracy(counted)).toBe(0.6);
    expect(matthews(counted)).toBeCloseTo(1 / 6, 12);
  });

  it('gives MCC 1 for perfect calls and -1 for inverted ones', () => {
    expect(matthews(confusion([1, 0, 1, 0], [1, 0, 1, 0], [1, 1, 1, 1]))).toBe(1);
    expect(matthews(confusion([0, 1, 0, 1], [1, 0, 1, 0], [1, 1, 1, 1]))).toBe(-1);
  });

  it('gives MCC 0 where it is undefined: one-class calls, one-class outcomes, nothing counted', () => {
    expect(classificationMetrics(confusion([1, 1, 1], [1, 0, 1], [1, 1, 1]))).toEqual({ nodes: 3, accuracy: 2 / 3, mcc: 0 });
    expect(matthews(confusion([1, 0, 1], [0, 0, 0], [1, 1, 1]))).toBe(0);
    expect(classificationMetrics(confusion([1, 0], [1, 0], [0, 0]))).toEqual({ nodes: 0, accuracy: 0, mcc: 0 });
  });
});

function sample(labels: number[], mask: number[], lastDirection: number[] = labels.map(() => 0)): GraphSample {
  const nodes = labels.length;
  return {
    window: 0,
    labelWindow: 1,
    firstBar: 0,
    lastBar: 1,
    nodes,
    features: new Float32Array(nodes * 4),
    adjacency: new Float32Array(nodes * nodes),
    present: new Uint8Array(nodes).fill(1),
    labels: Uint8Array.from(labels),
    mask: Uint8Array.from(mask),
    lastDirection: Uint8Array.from(lastDirection),
  };
}

describe('baselines', () => {
  // Training: 2 up and 3 down among the masked nodes; the unmasked ups would make up the majority if counted.
  const train = [sample([1, 0, 1, 1], [1, 1, 0, 0]), sample([0, 1, 0, 1], [1, 1, 1, 0])];
  const test = [sample([1, 0, 0, 1], [1, 1, 1, 0], [1, 1, 0, 0]), sample([0, 1], [1, 1], [1, 1])];

  it('calls the training majority everywhere: down is right on 3 of 5 test nodes, MCC 0', () => {
    expect(baselines(train, test).majority).toEqual({ label: 0, nodes: 5, accuracy: 0.6, mcc: 0 });
  });

  it("repeats each node's last direction: tp 2, fp 2, tn 1, fn 0", () => {
    // MCC = (2·1 - 2·0) / sqrt((2+2)(2+0)(1+2)(1+0)) = 2 / sqrt(24).
    const { lastDirection } = baselines(train, test);
    expect(lastDirection.nodes).toBe(5);
    expect(lastDirection.accuracy).toBe(0.6);
    expect(lastDirection.mcc).toBeCloseTo(2 / Math.sqrt(24), 12);
  });

  it('breaks a tie in the training majority toward up', () => {
    expect(baselines([sample([1, 0], [1, 1])], test).majority.label).toBe(1);
  });
});
