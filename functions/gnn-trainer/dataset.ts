// A workflow's graphs ready to train on: samples cut in time, and the scaler fitted on the training part.
import type { EdgeDoc, GraphDoc, VertexDoc } from '../../shared/contracts/graph.ts';
import { type FeatureScaler, fitScaler } from './scaler.ts';
import { buildSamples, type GraphSample } from './samples.ts';
import { describeFractions, minimumWindows } from '../../shared/analytics/time-split.ts';
import { NotEnoughWindowsError, type SplitFractions, splitByTime, type TimeSplit } from './split.ts';

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

export { minimumWindows } from '../../shared/analytics/time-split.ts';
