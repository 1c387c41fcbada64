// The graphs as pure functions of the candles: bars aligned on the interval's grid, sliding windows over
// them, each symbol's features in a window, and the edges between symbols whose log returns correlate.
import type { GraphWindow } from '../../shared/contracts/graph.ts';

/** The fields of a stored candle a graph uses. */
export interface Bar {
  readonly open_time: number;
  readonly open: number;
  readonly close: number;
  readonly volume: number;
  readonly rsi_14: number | null;
}

export interface Grid {
  /** Open time of the first bar and the interval between bars (ms). */
  readonly from: number;
  readonly intervalMs: number;
  readonly bars: number;
}

export interface WindowSpec {
  readonly window_bars: number;
  readonly stride_bars: number;
}

/** A symbol's bars on the grid: slot i holds the bar opening at from + i·interval, or undefined when missing. */
export function onGrid(bars: readonly Bar[], grid: Grid): (Bar | undefined)[] {
  const slots: (Bar | undefined)[] = new Array(grid.bars).fill(undefined);
  for (const bar of bars) {
    const offset = bar.open_time - grid.from;
    const i = offset / grid.intervalMs;
    if (Number.isInteger(i) && i >= 0 && i < grid.bars) slots[i] = bar;
  }
  return slots;
}

/** Bar log returns close to close; the first bar of the grid (nothing before it) from its own open. */
export function logReturns(slots: readonly (Bar | undefined)[]): Float64Array {
  const returns = new Float64Array(slots.length).fill(Number.NaN);
  slots.forEach((bar, i) => {
    if (!bar) return;
    const before = i === 0 ? bar.open : slots[i - 1]?.close;
    if (before !== undefined && before > 0 && bar.close > 0) returns[i] = Math.log(bar.close / before);
  });
  return returns;
}

/** Windows of `window_bars` every `stride_bars` that fit in the grid. */
export function windowsOf(grid: Grid, spec: WindowSpec): Omit<GraphWindow, 'missing'>[] {
  const count = grid.bars < spec.window_bars ? 0 : Math.floor((grid.bars - spec.window_bars) / spec.stride_bars) + 1;
  return Array.from({ length: count }, (_, index) => {
    const first = index * spec.stride_bars;
    return { index, start: grid.from + first * grid.intervalMs, end: grid.from + (first + spec.window_bars) * grid.intervalMs };
  });
}

export interface WindowFeatures {
  readonly log_return: number;
  readonly realized_vol: number;
  readonly rsi: number;
  readonly volume_z: number;
}

/**
 * A symbol's features over bars [first, first + length), or undefined when any bar (or its return) is
 * missing: a window with holes is reported, never filled.
 */
export function featuresOf(slots: readonly (Bar | undefined)[], returns: Float64Array, first: number, length: number): WindowFeatures | undefined {
  let sum = 0;
  let volumeSum = 0;
  for (let i = first; i < first + length; i++) {
    const bar = slots[i];
    if (!bar || Number.isNaN(returns[i]!)) return undefined;
    sum += returns[i]!;
    volumeSum += bar.volume;
  }
  const mean = sum / length;
  const volumeMean = volumeSum / length;
  let variance = 0;
  let volumeVariance = 0;
  for (let i = first; i < first + length; i++) {
    variance += (returns[i]! - mean) ** 2;
    volumeVariance += (slots[i]!.volume - volumeMean) ** 2;
  }
  const last = slots[first + length - 1]!;
  const volumeStd = Math.sqrt(volumeVariance / length);
  return {
    log_return: sum,
    realized_vol: Math.sqrt(variance / (length - 1)),
    rsi: last.rsi_14 ?? 50,
    volume_z: volumeStd > 0 ? (last.volume - volumeMean) / volumeStd : 0,
  };
}

/** Pearson correlation of two equal-length slices; NaN when either is constant. */
export function pearson(a: Float64Array, b: Float64Array, first: number, length: number): number {
  let sa = 0;
  let sb = 0;
  for (let i = first; i < first + length; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / length;
  const mb = sb / length;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = first; i < first + length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    cov += da * db;
    va += da * da;
    vb += db * db;
  }
  if (va === 0 || vb === 0) return Number.NaN;
  return Math.max(-1, Math.min(1, cov / Math.sqrt(va * vb)));
}

export interface Correlated {
  readonly a: string;
  readonly b: string;
  readonly weight: number;
}

/**
 * Pairs (a before b in `symbols` order) whose returns over the window correlate with |rho| >= threshold.
 * O(n²·w): 200 symbols over 288 bars is about six million multiply-adds.
 */
export function correlationEdges(symbols: readonly string[], returns: ReadonlyMap<string, Float64Array>, first: number, length: number, threshold: number): Correlated[] {
  const edges: Correlated[] = [];
  for (let i = 0; i < symbols.length; i++) {
    for (let j = i + 1; j < symbols.length; j++) {
      const rho = pearson(returns.get(symbols[i]!)!, returns.get(symbols[j]!)!, first, length);
      if (Math.abs(rho) >= threshold) edges.push({ a: symbols[i]!, b: symbols[j]!, weight: rho });
    }
  }
  return edges;
}
