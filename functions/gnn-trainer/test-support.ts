// Graphs made up for the tests, stored the way graph-builder stores them: a catalog, vertices and edges.
import { type EdgeDoc, edgeKey, type GraphDoc, type VertexDoc, vertexKey } from '../../shared/contracts/graph.ts';
import { seededRandom } from '../../shared/ml/random.ts';

export const INTERVAL_MS = 300_000;
export const FROM = Date.UTC(2024, 0, 1);

type Features = Pick<VertexDoc, 'log_return' | 'realized_vol' | 'rsi' | 'volume_z'>;

export interface GraphSpec {
  readonly symbols: readonly string[];
  readonly windows: number;
  readonly windowBars: number;
  readonly strideBars: number;
  /** A symbol's features in a window, or undefined when it has no vertex there. */
  readonly vertex?: (window: number, symbol: string) => Features | undefined;
  /** Correlated pairs of a window as [a, b, rho]. */
  readonly edges?: (window: number) => readonly (readonly [string, string, number])[];
}

export interface StoredGraph {
  readonly graph: GraphDoc;
  readonly vertices: VertexDoc[];
  readonly edges: EdgeDoc[];
}

export function storedGraph(spec: GraphSpec): StoredGraph {
  const vertex = spec.vertex ?? (() => ({ log_return: 0.001, realized_vol: 0.01, rsi: 50, volume_z: 0 }));
  const vertices: VertexDoc[] = [];
  const edges: EdgeDoc[] = [];
  const windows = Array.from({ length: spec.windows }, (_, index) => {
    const start = FROM + index * spec.strideBars * INTERVAL_MS;
    const end = start + spec.windowBars * INTERVAL_MS;
    const missing: string[] = [];
    for (const symbol of spec.symbols) {
      const features = vertex(index, symbol);
      if (features === undefined) missing.push(symbol);
      else vertices.push({ _key: vertexKey(index, symbol), window: index, symbol, start, end, ...features });
    }
    for (const [a, b, weight] of spec.edges?.(index) ?? []) {
      if (missing.includes(a) || missing.includes(b)) continue;
      edges.push({ _key: edgeKey(index, a, b), _from: `vertices/${vertexKey(index, a)}`, _to: `vertices/${vertexKey(index, b)}`, window: index, weight });
    }
    return { index, start, end, missing };
  });
  const graph: GraphDoc = {
    _key: 'test-graph',
    workflow_id: 'test-workflow',
    symbols: spec.symbols,
    type: 'api_candles_5m',
    interval_ms: INTERVAL_MS,
    window_bars: spec.windowBars,
    stride_bars: spec.strideBars,
    threshold: 0.3,
    from: FROM,
    to: windows.at(-1)?.end ?? FROM,
    vertices: 'vertices',
    edges: 'edges',
    windows,
    built_at: new Date(FROM).toISOString(),
  };
  return { graph, vertices, edges };
}

/**
 * Pairs of a leader and a follower joined by a strong edge. A leader's volume_z foretells the direction
 * of both over the next window, and a follower's own volume_z is always 0: a follower's label can be read
 * only from its neighbour, which a graph network can and a per-node model cannot.
 */
export function leaderFollowerGraph(options: { pairs: number; windows: number; seed: number; missing?: number }): StoredGraph {
  const random = seededRandom(options.seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const leaders = Array.from({ length: options.pairs }, (_, i) => `L${i}USDT`);
  const followers = Array.from({ length: options.pairs }, (_, i) => `F${i}USDT`);
  const signal = Array.from({ length: options.windows }, () => leaders.map(() => normal()));
  const ahead = (window: number, pair: number) => (window === 0 ? normal() : Math.sign(signal[window - 1]![pair]!) * (0.001 + Math.abs(normal()) * 0.01));
  return storedGraph({
    symbols: leaders.flatMap((leader, i) => [leader, followers[i]!]),
    windows: options.windows,
    windowBars: 8,
    strideBars: 8,
    vertex: (window, symbol) => {
      if (random() < (options.missing ?? 0)) return undefined;
      const pair = Number(symbol.slice(1, -4));
      const volume_z = symbol.startsWith('L') ? signal[window]![pair]! : 0;
      return { log_return: ahead(window, pair), realized_vol: 0.01 + Math.abs(normal()) * 0.005, rsi: 50 + 10 * normal(), volume_z };
    },
    edges: () => leaders.map((leader, i) => [leader, followers[i]!, i % 2 === 0 ? 0.9 : -0.9] as const),
  });
}
