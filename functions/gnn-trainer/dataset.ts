// A workflow's graphs ready to train on: samples cut in time, and the scaler fitted on the training part.
import type { EdgeDoc, GraphDoc, VertexDoc } from '../../shared/contracts/graph.ts';
import { type FeatureScaler, fitScaler } from './scaler.ts';
import { buildSamples, type GraphSample, labelHorizon } from './samples.ts';
import { describeFractions, minimumSamples, NotEnoughWindowsError, type SplitFractions, splitByTime, type TimeSplit } from './split.ts';

export interface GcnDataset {
  /** Node i of every sample is symbols[i]. */
  readonly symbols: readonly string[];
  /** Samples keep unscaled features: a stored model scales them with its own scaler. */
  readonly split: TimeSplit<GraphSample>;
  readonly scaler: FeatureScaler;
}

/** Samples of the graph split in time; throws NotEnoughWindowsError, counting windows, when the graph is too short. */
export function prepareDataset(graph: GraphDoc, vertices: Iterable<VertexDoc>, edges: Iterable<EdgeDoc>, fractions: SplitFractions): GcnDataset {
  const samples = buildSamples(graph, vertices, edges);
  let split: TimeSplit<GraphSample>;
  try {
    split = splitByTime(samples, fractions);
  } catch (error) {
    if (!(error instanceof NotEnoughWindowsError)) throw error;
    const needed = minimumWindows(graph, fractions);
    throw new NotEnoughWindowsError(
      `graph ${graph._key} has ${graph.windows.length} windows (${samples.length} with a later window to label them); ` +
        `a ${describeFractions(fractions)} time split of ${graph.window_bars}-bar windows every ${graph.stride_bars} bars, ` +
        `with purge gaps between the parts, needs at least ${needed}`,
      { needed, available: graph.windows.length },
      { cause: error },
    );
  }
  return { symbols: graph.symbols, split, scaler: fitScaler(split.train) };
}

/**
 * A sample spans its window and its label window, 2·h strides for a horizon of h windows, so it overlaps
 * the 2h - 1 samples after it; the last h windows have no label window and make no sample.
 */
export function minimumWindows(graph: Pick<GraphDoc, 'window_bars' | 'stride_bars'>, fractions: SplitFractions): number {
  const horizon = labelHorizon(graph);
  return minimumSamples(fractions, 2 * horizon - 1) + horizon;
}
