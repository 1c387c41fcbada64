// graph-builder: the workflow's stored candles into one symbol graph per sliding window. Vertices carry
// each symbol's window features, edges join symbols whose log returns correlate past the threshold. A
// symbol with missing bars in a window is left out of that window's graph and reported. Upserts by key
// make a re-run idempotent; the catalog document is written last, so a graph listed there is complete.
import { fixedIntervalMs, intervalOpenTime } from '../../shared/binance/intervals.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { type EdgeDoc, GRAPHS, type GraphDoc, type GraphWindow, type VertexDoc, edgeKey, vertexKey } from '../../shared/contracts/graph.ts';
import { TARGETS, collectionNameFor } from '../../shared/contracts/names.ts';
import type { GraphOutcome } from '../../shared/contracts/pipeline.ts';
import type { CandleDoc } from '../../shared/contracts/stored.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import type { FunctionDefinition, StepContext, StepResult } from '../../shared/harness/function.ts';
import { type Bar, type Grid, correlationEdges, featuresOf, logReturns, onGrid, windowsOf } from './windows.ts';

const WRITE_BATCH = 5000;
const REPORT_EVERY_MS = 1000;

export function createGraphBuilder(): FunctionDefinition {
  return { name: 'graph-builder', target: TARGETS.graphBuilder, run: build };
}

async function build(ctx: StepContext): Promise<StepResult> {
  const { command, store, signal } = ctx;
  const stage = command.stage;
  if (!stage) throw new NonRetriableError('graph-builder needs a pipeline command (its symbols and options)');
  if (command.type.kind !== 'candles') throw new NonRetriableError(`graph-builder reads candles, not ${formatDataType(command.type)}`);
  const interval = command.type.interval;
  const intervalMs = fixedIntervalMs(interval);
  if (!intervalMs) throw new NonRetriableError(`graphs need bars of a fixed length; ${interval} varies`);
  const spec = stage.options.graph;
  const symbols = stage.symbols;
  const range = command.time_range;

  const stored = new Map<string, Bar[]>();
  for (const symbol of symbols) {
    const collection = collectionNameFor(symbol, command.type, range.from);
    stored.set(symbol, await store.query<CandleDoc>(collection, { field: 'open_time', from: range.from, to: range.to }));
    signal.throwIfAborted();
  }
  const from = intervalOpenTime(range.from + intervalMs - 1, interval);
  // Up to the last stored bar: a range reaching into today ends where the exchange's history does.
  const lastBar = Math.max(...[...stored.values()].map((bars) => bars.at(-1)?.open_time ?? Number.NEGATIVE_INFINITY));
  const to = Math.min(range.to, lastBar + intervalMs);
  const grid: Grid = { from, intervalMs, bars: Math.max(0, Math.floor((to - from) / intervalMs)) };
  const windows = windowsOf(grid, spec);
  if (windows.length === 0) {
    throw new NonRetriableError(
      `the stored candles hold ${grid.bars} bars of ${interval}, fewer than one window of ${spec.window_bars}; load a longer range or choose a shorter window`,
    );
  }

  const slots = new Map(symbols.map((s) => [s, onGrid(stored.get(s)!, grid)]));
  const returns = new Map(symbols.map((s) => [s, logReturns(slots.get(s)!)]));
  stored.clear();

  const graph = command.collection_name;
  const names = { vertices: `${graph}_vertices`, edges: `${graph}_edges` };
  await store.ensureGraph({ name: graph, ...names });

  const catalog: GraphWindow[] = [];
  const missingWindows = new Map<string, number>();
  let vertexCount = 0;
  let edgeCount = 0;
  let lastReport = Date.now();
  let vertices: VertexDoc[] = [];
  let edges: EdgeDoc[] = [];
  const flush = async (force: boolean) => {
    if (vertices.length >= WRITE_BATCH || force) {
      await store.upsert(names.vertices, vertices);
      vertices = [];
    }
    if (edges.length >= WRITE_BATCH || force) {
      await store.upsert(names.edges, edges);
      edges = [];
    }
  };

  for (const window of windows) {
    const first = window.index * spec.stride_bars;
    const present: string[] = [];
    const missing: string[] = [];
    for (const symbol of symbols) {
      const features = featuresOf(slots.get(symbol)!, returns.get(symbol)!, first, spec.window_bars);
      if (!features) {
        missing.push(symbol);
        missingWindows.set(symbol, (missingWindows.get(symbol) ?? 0) + 1);
        continue;
      }
      present.push(symbol);
      vertices.push({ _key: vertexKey(window.index, symbol), window: window.index, symbol, start: window.start, end: window.end, ...features });
    }
    const correlated = correlationEdges(present, returns, first, spec.window_bars, spec.threshold);
    for (const edge of correlated) {
      edges.push({
        _key: edgeKey(window.index, edge.a, edge.b),
        _from: `${names.vertices}/${vertexKey(window.index, edge.a)}`,
        _to: `${names.vertices}/${vertexKey(window.index, edge.b)}`,
        window: window.index,
        weight: edge.weight,
      });
    }
    vertexCount += present.length;
    edgeCount += correlated.length;
    catalog.push({ ...window, missing });
    await flush(false);
    signal.throwIfAborted();
    if (Date.now() - lastReport >= REPORT_EVERY_MS) {
      lastReport = Date.now();
      await ctx.report({ message: `Built ${window.index + 1} of ${windows.length} graphs`, records_written: vertexCount + edgeCount });
    }
  }
  await flush(true);

  const doc: GraphDoc = {
    _key: graph,
    workflow_id: stage.workflow_id,
    symbols,
    type: formatDataType(command.type),
    interval_ms: intervalMs,
    window_bars: spec.window_bars,
    stride_bars: spec.stride_bars,
    threshold: spec.threshold,
    from,
    to: grid.from + grid.bars * intervalMs,
    ...names,
    windows: catalog,
    built_at: new Date().toISOString(),
  };
  await store.upsert(GRAPHS, [doc]);

  const missing = [...missingWindows].map(([symbol, count]) => ({ symbol, windows: count }));
  const result: GraphOutcome = { kind: 'graph', graph, windows: windows.length, vertices: vertexCount, edges: edgeCount, missing };
  const gaps = missing.length ? `; missing bars: ${missing.map((m) => `${m.symbol} in ${m.windows} of ${windows.length} windows`).join(', ')}` : '';
  return {
    records_written: vertexCount + edgeCount,
    message: `Built ${windows.length} graphs of ${symbols.length} symbols in ${graph}: ${vertexCount} vertices, ${edgeCount} edges${gaps}`,
    result,
  };
}
