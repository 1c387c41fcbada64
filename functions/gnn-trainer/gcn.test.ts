// The normalized adjacency against numbers worked out by hand, and the network's shape.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGcn, normalizedAdjacency } from './gcn.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';

beforeAll(useCpuBackend);

describe('normalizedAdjacency', () => {
  // Path 0 -(0.5)- 1 -(0.8)- 2. With self-loops the degrees are 1.5, 2.3 and 1.8, so e.g.
  // Â01 = 0.5 / sqrt(1.5 * 2.3) = 0.5 / 1.857418 and Â12 = 0.8 / sqrt(2.3 * 1.8) = 0.8 / 2.034699.
  const path = [
    [0, 0.5, 0],
    [0.5, 0, 0.8],
    [0, 0.8, 0],
  ];
  const expected = [
    [0.666667, 0.269191, 0],
    [0.269191, 0.434783, 0.393179],
    [0, 0.393179, 0.555556],
  ];

  it('is D^-½ (A + I) D^-½ of a weighted path graph', () => {
    const normalized = normalizedAdjacency(path);
    for (const [i, row] of normalized.entries()) {
      for (const [j, value] of row.entries()) expect(value).toBeCloseTo(expected[i]![j]!, 6);
    }
  });

  it('gives the same on a flat Float32Array', () => {
    const normalized = normalizedAdjacency(Float32Array.from(path.flat()), 3);
    expect(normalized).toBeInstanceOf(Float32Array);
    for (const [k, value] of expected.flat().entries()) expect(normalized[k]).toBeCloseTo(value, 6);
  });

  it('leaves an isolated node only its own features', () => {
    expect(
      normalizedAdjacency([
        [0, 0],
        [0, 0],
      ]),
    ).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('refuses negative weights and non-square matrices', () => {
    expect(() =>
      normalizedAdjacency([
        [0, -0.5],
        [-0.5, 0],
      ]),
    ).toThrow(/must not be negative/);
    expect(() => normalizedAdjacency([[0, 1]])).toThrow(/square/);
  });
});

describe('buildGcn', () => {
  it('maps [batch, n, n] and [batch, n, F] to a probability per node', () => {
    const model = buildGcn({ nodes: 5, features: 4, hidden: 8, seed: 1 });
    const probabilities = tf.tidy(() => (model.predict([tf.eye(5).expandDims(0).tile([2, 1, 1]), tf.randomNormal([2, 5, 4], 0, 1, 'float32', 3)]) as tf.Tensor).arraySync());
    model.dispose();
    expect(probabilities).toHaveLength(2);
    for (const row of probabilities as number[][]) {
      expect(row).toHaveLength(5);
      for (const p of row) {
        expect(p).toBeGreaterThan(0);
        expect(p).toBeLessThan(1);
      }
    }
  });

  it('initializes identically from the same seed', () => {
    const weights = (seed: number) => {
      const model = buildGcn({ nodes: 3, features: 4, hidden: 4, seed });
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    expect(weights(7)).toEqual(weights(7));
    expect(weights(7)).not.toEqual(weights(8));
  });
});
