// Samples from a hand-made graph: features in symbol order, |rho| adjacency, labels from the next
// non-overlapping window, masks where a symbol is missing, and a scaler fitted on given samples only.
import { describe, expect, it } from 'vitest';
import { buildSamples, FEATURE_COUNT, type GraphSample } from './samples.ts';
import { fitScaler, scaledFeatures } from './scaler.ts';
import { FROM, INTERVAL_MS, storedGraph } from './test-support.ts';

// Log returns by window; undefined is a missing vertex. Windows of 8 bars every 4, so labels are 2 windows on.
const LOG_RETURNS: Record<string, number | undefined>[] = [
  { A: 0.01, B: -0.02, C: 0 },
  { A: -0.01, B: 0.03, C: undefined },
  { A: 0.02, B: -0.01, C: 0.005 },
  { A: -0.03, B: 0.01, C: -0.002 },
  { A: 0.01, B: undefined, C: 0.004 },
  { A: -0.01, B: 0.02, C: 0.001 },
];
const SYMBOLS = ['A', 'B', 'C'];
const EDGES: Record<number, [string, string, number][]> = {
  0: [
    ['A', 'B', -0.6],
    ['B', 'C', 0.4],
  ],
  1: [
    ['A', 'B', 0.7],
    ['A', 'C', 0.5],
  ],
};

function samples(): GraphSample[] {
  const { graph, vertices, edges } = storedGraph({
    symbols: SYMBOLS,
    windows: LOG_RETURNS.length,
    windowBars: 8,
    strideBars: 4,
    vertex: (window, symbol) => {
      const log_return = LOG_RETURNS[window]![symbol];
      const node = SYMBOLS.indexOf(symbol);
      return log_return === undefined ? undefined : { log_return, realized_vol: 0.01 * (node + 1), rsi: 40 + window, volume_z: window - node };
    },
    edges: (window) => EDGES[window] ?? [],
  });
  // Out of order on purpose: the store gives no order.
  return buildSamples(graph, vertices.reverse(), edges);
}

const matrix = (flat: Float32Array, n: number) => Array.from({ length: n }, (_, i) => Array.from(flat.subarray(i * n, (i + 1) * n)));

describe('buildSamples', () => {
  it('makes one sample per window that has a window two strides on, in window order', () => {
    expect(samples().map((s) => [s.window, s.labelWindow])).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
  });

  it('spans the bars from its window start to its label window end', () => {
    const [first] = samples();
    expect(first!.firstBar).toBe(FROM);
    expect(first!.lastBar).toBe(FROM + (2 * 4 + 8) * INTERVAL_MS);
  });

  it('lays out the features in symbol order and feature order', () => {
    const [first] = samples();
    expect(first!.nodes).toBe(3);
    expect(Array.from(first!.features.subarray(FEATURE_COUNT, 2 * FEATURE_COUNT))).toEqual([-0.02, 0.02, 40, -1].map(Math.fround));
  });

  it('weights edges by |rho|, symmetric with a zero diagonal', () => {
    const [first] = samples();
    expect(matrix(first!.adjacency, 3)).toEqual(
      [
        [0, 0.6, 0],
        [0.6, 0, 0.4],
        [0, 0.4, 0],
      ].map((row) => row.map(Math.fround)),
    );
  });

  it('labels each node with the direction of its next non-overlapping window, and keeps its own for the baseline', () => {
    const [first, , , last] = samples();
    expect(Array.from(first!.labels)).toEqual([1, 0, 1]);
    expect(Array.from(first!.lastDirection)).toEqual([1, 0, 0]);
    expect(Array.from(last!.labels)).toEqual([0, 1, 1]);
    expect(Array.from(last!.mask)).toEqual([1, 1, 1]);
  });

  it('gives a symbol missing from the window zero features, no edges and no mask', () => {
    const second = samples()[1]!;
    expect(Array.from(second.present)).toEqual([1, 1, 0]);
    expect(Array.from(second.mask)).toEqual([1, 1, 0]);
    expect(Array.from(second.features.subarray(2 * FEATURE_COUNT))).toEqual([0, 0, 0, 0]);
    expect(matrix(second.adjacency, 3)).toEqual([
      [0, Math.fround(0.7), 0],
      [Math.fround(0.7), 0, 0],
      [0, 0, 0],
    ]);
  });

  it('masks a symbol missing from the label window but keeps its features', () => {
    const third = samples()[2]!;
    expect(Array.from(third.present)).toEqual([1, 1, 1]);
    expect(Array.from(third.mask)).toEqual([1, 0, 1]);
    expect(third.features[FEATURE_COUNT]).toBe(Math.fround(-0.01));
  });
});

describe('fitScaler', () => {
  it('takes mean and population std of each feature over the masked nodes of the given samples', () => {
    // Masked nodes of windows 0 and 1: A, B, C and A, B. log_return: 0.01, -0.02, 0, -0.01, 0.03 has mean
    // 0.002 and variance 0.00148 / 5; rsi: 40, 40, 40, 41, 41 has mean 40.4 and variance 1.2 / 5.
    const scaler = fitScaler(samples().slice(0, 2));
    expect(scaler.mean[0]).toBeCloseTo(0.002, 8);
    expect(scaler.std[0]).toBeCloseTo(0.0172047, 6);
    expect(scaler.mean[2]).toBeCloseTo(40.4, 5);
    expect(scaler.std[2]).toBeCloseTo(0.4898979, 6);
  });

  it('keeps a constant feature at std 1 and absent nodes at zero', () => {
    const [first, second] = samples();
    const scaler = fitScaler([first!]);
    expect(scaler.std[2]).toBe(1);
    const scaled = scaledFeatures(second!, scaler);
    expect(Array.from(scaled.subarray(2 * FEATURE_COUNT))).toEqual([0, 0, 0, 0]);
    expect(scaled[2]).toBeCloseTo(41 - 40, 5);
  });
});
