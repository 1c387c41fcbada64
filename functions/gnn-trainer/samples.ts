// Graph windows as training samples: window k's vertex features and |rho| adjacency, labelled with the
// direction of each symbol's log return over the next window that does not overlap window k.
import { type EdgeDoc, type GraphDoc, type GraphWindow, VERTEX_FEATURES, type VertexDoc, type VertexFeature } from '../../shared/contracts/graph.ts';

export const FEATURE_COUNT = VERTEX_FEATURES.length;

/** One window's graph and the labels it is trained on; node i is GraphDoc.symbols[i]. */
export interface GraphSample {
  /** The graph window the features and edges come from. */
  readonly window: number;
  /** The window whose log returns are the labels: `window_bars / stride_bars` windows later. */
  readonly labelWindow: number;
  /** Every bar the sample uses has its open time in [firstBar, lastBar) (epoch ms). */
  readonly firstBar: number;
  readonly lastBar: number;
  readonly nodes: number;
  /** nodes × FEATURE_COUNT, row-major in VERTEX_FEATURES order, unscaled; zero where a node is absent. */
  readonly features: Float32Array;
  /** nodes × nodes, |rho| of the window's edges: symmetric, zero diagonal, no edges at an absent node. */
  readonly adjacency: Float32Array;
  /** 1 where the symbol has a vertex in the window. */
  readonly present: Uint8Array;
  /** 1 where the symbol's log return over the label window is positive. */
  readonly labels: Uint8Array;
  /** 1 where the node has a vertex in both windows; only these count in losses and metrics. */
  readonly mask: Uint8Array;
  /** 1 where the symbol's log return over the sample's own window is positive: the naive baseline's guess. */
  readonly lastDirection: Uint8Array;
}

/** How many windows later the label window starts: the first one that does not overlap. */
export const labelHorizon = (graph: Pick<GraphDoc, 'window_bars' | 'stride_bars'>) => graph.window_bars / graph.stride_bars;

/** The samples of a graph in window order; windows without a label window yet are left out. */
export function buildSamples(graph: GraphDoc, vertices: Iterable<VertexDoc>, edges: Iterable<EdgeDoc>): GraphSample[] {
  const nodeOf = new Map(graph.symbols.map((symbol, i) => [symbol, i]));
  const verticesByWindow = groupBy(vertices, (v) => v.window);
  const edgesByWindow = groupBy(edges, (e) => e.window);
  const windows = new Map(graph.windows.map((w) => [w.index, w]));
  const horizon = labelHorizon(graph);
  const samples: GraphSample[] = [];
  for (const window of [...graph.windows].sort((a, b) => a.index - b.index)) {
    const labelWindow = windows.get(window.index + horizon);
    if (labelWindow === undefined) continue;
    const own = nodeVertices(verticesByWindow.get(window.index), nodeOf);
    const later = nodeVertices(verticesByWindow.get(labelWindow.index), nodeOf);
    samples.push(sampleOf(window, labelWindow, graph.symbols.length, own, later, edgesByWindow.get(window.index) ?? [], nodeOf));
  }
  return samples;
}

function sampleOf(
  window: GraphWindow,
  labelWindow: GraphWindow,
  nodes: number,
  own: ReadonlyMap<number, VertexDoc>,
  later: ReadonlyMap<number, VertexDoc>,
  edges: readonly EdgeDoc[],
  nodeOf: ReadonlyMap<string, number>,
): GraphSample {
  const features = new Float32Array(nodes * FEATURE_COUNT);
  const present = new Uint8Array(nodes);
  const labels = new Uint8Array(nodes);
  const mask = new Uint8Array(nodes);
  const lastDirection = new Uint8Array(nodes);
  for (const [node, vertex] of own) {
    present[node] = 1;
    features.set(featureRow(vertex), node * FEATURE_COUNT);
    lastDirection[node] = direction(vertex.log_return);
    const next = later.get(node);
    if (next === undefined) continue;
    labels[node] = direction(next.log_return);
    mask[node] = 1;
  }
  const adjacency = new Float32Array(nodes * nodes);
  for (const edge of edges) {
    const a = nodeOf.get(symbolOf(edge._from, window.index) ?? '');
    const b = nodeOf.get(symbolOf(edge._to, window.index) ?? '');
    if (a === undefined || b === undefined || a === b || !present[a] || !present[b]) continue;
    adjacency[a * nodes + b] = adjacency[b * nodes + a] = Math.abs(edge.weight);
  }
  return {
    window: window.index,
    labelWindow: labelWindow.index,
    firstBar: window.start,
    lastBar: labelWindow.end,
    nodes,
    features,
    adjacency,
    present,
    labels,
    mask,
    lastDirection,
  };
}

/** One window's graph as a caller holds it, to be scored by a stored model. */
export interface GraphInput {
  /** Each symbol's features in the model's symbol order; undefined where the symbol has no data. */
  readonly features: readonly (Readonly<Record<VertexFeature, number>> | undefined)[];
  /** rho (or |rho|) per pair of symbols, 0 where uncorrelated; the sign and the diagonal are ignored. */
  readonly adjacency: readonly (readonly number[])[];
}

/** A caller's graph as an unlabelled sample. */
export function sampleOfInput(input: GraphInput): GraphSample {
  const nodes = input.features.length;
  if (input.adjacency.length !== nodes || input.adjacency.some((row) => row.length !== nodes)) {
    throw new RangeError(`the adjacency of ${nodes} symbols must be ${nodes} × ${nodes}`);
  }
  const features = new Float32Array(nodes * FEATURE_COUNT);
  const present = Uint8Array.from(input.features, (f) => (f === undefined ? 0 : 1));
  input.features.forEach((vertex, node) => {
    if (vertex !== undefined) features.set(featureRow(vertex), node * FEATURE_COUNT);
  });
  const adjacency = new Float32Array(nodes * nodes);
  input.adjacency.forEach((row, i) => {
    row.forEach((weight, j) => {
      if (i !== j && present[i] && present[j]) adjacency[i * nodes + j] = Math.abs(weight);
    });
  });
  const none = new Uint8Array(nodes);
  return { window: 0, labelWindow: 0, firstBar: 0, lastBar: 0, nodes, features, adjacency, present, labels: none, mask: none, lastDirection: none };
}

const featureRow = (vertex: Readonly<Record<VertexFeature, number>>) => VERTEX_FEATURES.map((feature) => vertex[feature]);

const direction = (logReturn: number) => (logReturn > 0 ? 1 : 0);

/** The symbol of a vertex id `<collection>/<window>_<symbol>`, or undefined when it is not in that window. */
function symbolOf(vertexId: string, window: number): string | undefined {
  const key = vertexId.slice(vertexId.indexOf('/') + 1);
  const prefix = `${window}_`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}

function nodeVertices(vertices: readonly VertexDoc[] | undefined, nodeOf: ReadonlyMap<string, number>): Map<number, VertexDoc> {
  const byNode = new Map<number, VertexDoc>();
  for (const vertex of vertices ?? []) {
    const node = nodeOf.get(vertex.symbol);
    if (node !== undefined) byNode.set(node, vertex);
  }
  return byNode;
}

function groupBy<T>(items: Iterable<T>, key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group === undefined) groups.set(key(item), [item]);
    else group.push(item);
  }
  return groups;
}
