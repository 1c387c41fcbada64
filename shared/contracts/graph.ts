// The symbol graphs graph-builder stores and gnn-trainer reads: one graph per sliding window over the
// stored candles. Vertices are (window, symbol) with the window's features, edges join symbols whose
// log returns correlate past the threshold; on ArangoDB the two collections form a named graph.
import { z } from 'zod';

/** The features of a vertex, in the order a model sees them. */
export const VERTEX_FEATURES = ['log_return', 'realized_vol', 'rsi', 'volume_z'] as const;
export type VertexFeature = (typeof VERTEX_FEATURES)[number];

/** How a workflow's graphs are cut: window and stride in bars, and the correlation an edge needs. */
export const graphOptionsSchema = z
  .strictObject({
    window_bars: z.number().int().min(8, 'must be at least 8 bars').max(10_000).default(24),
    stride_bars: z.number().int().min(1).max(10_000).default(24),
    threshold: z.number().min(0).max(1).default(0.3),
  })
  .refine((o) => o.window_bars % o.stride_bars === 0, { path: ['stride_bars'], message: 'must divide window_bars, so that the next window is a whole number of strides away' });
export type GraphOptions = z.output<typeof graphOptionsSchema>;

/** One window of a graph: its bars' open times [start, end), and the symbols without a full window of bars. */
export interface GraphWindow {
  readonly index: number;
  readonly start: number;
  readonly end: number;
  readonly missing: readonly string[];
}

/** The catalog document of a workflow's graphs, in the `graphs` collection, keyed by the graph's name. */
export interface GraphDoc {
  readonly _key: string;
  readonly workflow_id: string;
  readonly symbols: readonly string[];
  /** The candle type the graphs were built from, e.g. api_candles_5m. */
  readonly type: string;
  readonly interval_ms: number;
  readonly window_bars: number;
  readonly stride_bars: number;
  readonly threshold: number;
  readonly from: number;
  readonly to: number;
  /** Collection names of the vertices and the edges. */
  readonly vertices: string;
  readonly edges: string;
  readonly windows: readonly GraphWindow[];
  readonly built_at: string;
}

/** A symbol in one window: key `<window>_<symbol>`. */
export interface VertexDoc {
  readonly _key: string;
  readonly window: number;
  readonly symbol: string;
  readonly start: number;
  readonly end: number;
  /** Sum of the window's log returns (close to close, the first from the bar before the window). */
  readonly log_return: number;
  /** Standard deviation of the window's log returns. */
  readonly realized_vol: number;
  /** RSI(14) of the window's last bar as stored (0-100), 50 when the store has none. */
  readonly rsi: number;
  /** The last bar's volume against the window's: (last volume - mean) / std of the window's volumes, 0 when flat. */
  readonly volume_z: number;
}

/** Two symbols whose log returns in a window correlate with |rho| >= threshold: key `<window>_<a>_<b>`, a < b. */
export interface EdgeDoc {
  readonly _key: string;
  readonly _from: string;
  readonly _to: string;
  readonly window: number;
  /** Pearson correlation of the two symbols' log returns in the window. */
  readonly weight: number;
}

export const GRAPHS = 'graphs';
export const vertexKey = (window: number, symbol: string) => `${window}_${symbol}`;
export const edgeKey = (window: number, a: string, b: string) => `${window}_${a}_${b}`;
