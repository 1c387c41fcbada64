import { describe, expect, it } from 'vitest';
import { type EdgeDoc, GRAPHS, type GraphDoc, type VertexDoc } from '../../shared/contracts/graph.ts';
import { TARGETS, graphNameFor } from '../../shared/contracts/names.ts';
import { DEFAULT_PIPELINE_OPTIONS, type PipelineStage } from '../../shared/contracts/pipeline.ts';
import type { CandleDoc } from '../../shared/contracts/stored.ts';
import { commandFor, embeddedPorts, runStep, stepContext } from '../../test/step-context.ts';
import { createGraphBuilder } from './index.ts';
import { type Bar, correlationEdges, featuresOf, logReturns, onGrid, pearson, windowsOf } from './windows.ts';

const FIVE_MINUTES = 300_000;
const DAY = Date.UTC(2024, 7, 1);

describe('correlation edges', () => {
  // Returns built so their correlations are known exactly: B = 2A + 1 (perfectly correlated), C = -A
  // (anti-correlated), D orthogonal to A once both are centred (independent in the sample).
  const a = Float64Array.from([1, -1, 1, -1, 1, -1, 1, -1]);
  const series = new Map([
    ['A', a],
    ['B', a.map((x) => 2 * x + 1)],
    ['C', a.map((x) => -x)],
    ['D', Float64Array.from([1, 1, -1, -1, 1, 1, -1, -1])],
  ]);

  it('joins the perfectly correlated and the anti-correlated pairs, with weights +1 and -1, and nothing else', () => {
    const edges = correlationEdges(['A', 'B', 'C', 'D'], series, 0, 8, 0.3);
    expect(edges.map((e) => ({ ...e, weight: Math.round(e.weight * 1e12) / 1e12 }))).toEqual([
      { a: 'A', b: 'B', weight: 1 },
      { a: 'A', b: 'C', weight: -1 },
      { a: 'B', b: 'C', weight: -1 },
    ]);
    expect(pearson(a, series.get('D')!, 0, 8)).toBe(0);
  });

  it('keeps an edge exactly at the threshold and drops one just under it', () => {
    // E agrees with A on 6 of 8 bars: rho = 0.5 exactly.
    const e = Float64Array.from([1, -1, 1, -1, 1, -1, -1, 1]);
    const both = new Map([
      ['A', a],
      ['E', e],
    ]);
    expect(pearson(a, e, 0, 8)).toBeCloseTo(0.5, 12);
    expect(correlationEdges(['A', 'E'], both, 0, 8, 0.5)).toHaveLength(1);
    expect(correlationEdges(['A', 'E'], both, 0, 8, 0.5000001)).toHaveLength(0);
  });

  it('draws no edge to a constant series, whose correlation is undefined', () => {
    const flat = new Map([
      ['A', a],
      ['F', new Float64Array(8)],
    ]);
    expect(correlationEdges(['A', 'F'], flat, 0, 8, 0)).toEqual([]);
  });
});

describe('window features', () => {
  const bar = (i: number, close: number, volume: number, rsi: number | null = 40 + i): Bar => ({ open_time: DAY + i * FIVE_MINUTES, open: 100, close, volume, rsi_14: rsi });
  const closes = [100, 110, 99, 99, 108.9];
  const grid = { from: DAY, intervalMs: FIVE_MINUTES, bars: 5 };

  it('computes the log return, realized volatility, last RSI and volume z-score of a window by hand', () => {
    const slots = onGrid(
      closes.map((c, i) => bar(i, c, [10, 20, 30, 20, 20][i]!)),
      grid,
    );
    const returns = logReturns(slots);
    // Bars 1..4: log(1.1), log(0.9), 0, log(1.1).
    const features = featuresOf(slots, returns, 1, 4)!;
    expect(features.log_return).toBeCloseTo(Math.log(108.9 / 100), 12);
    const r = [Math.log(1.1), Math.log(0.9), 0, Math.log(1.1)];
    const mean = r.reduce((s, x) => s + x, 0) / 4;
    expect(features.realized_vol).toBeCloseTo(Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 3), 12);
    expect(features.rsi).toBe(44);
    // Volumes 20, 30, 20, 20: mean 22.5, population std sqrt(18.75); the last is 20.
    expect(features.volume_z).toBeCloseTo((20 - 22.5) / Math.sqrt(18.75), 12);
  });

  it('leaves a window with a missing bar (or a bar whose return needs a missing one) unfilled', () => {
    const slots = onGrid(
      closes.map((c, i) => bar(i, c, 10)).filter((_, i) => i !== 2),
      grid,
    );
    const returns = logReturns(slots);
    expect(featuresOf(slots, returns, 0, 2)).toBeDefined();
    expect(featuresOf(slots, returns, 1, 2)).toBeUndefined();
    expect(featuresOf(slots, returns, 3, 2)).toBeUndefined();
  });

  it('slides windows of a length by a stride over the grid, ends half-open', () => {
    expect(windowsOf({ from: DAY, intervalMs: FIVE_MINUTES, bars: 10 }, { window_bars: 4, stride_bars: 2 })).toEqual([
      { index: 0, start: DAY, end: DAY + 4 * FIVE_MINUTES },
      { index: 1, start: DAY + 2 * FIVE_MINUTES, end: DAY + 6 * FIVE_MINUTES },
      { index: 2, start: DAY + 4 * FIVE_MINUTES, end: DAY + 8 * FIVE_MINUTES },
      { index: 3, start: DAY + 6 * FIVE_MINUTES, end: DAY + 10 * FIVE_MINUTES },
    ]);
  });
});

describe('the graph-builder step', () => {
  const BARS = 96;
  /** Three symbols over 8 hours: ETH moves with BTC, SOL against it; SOL misses one bar in the third window. */
  async function storeCandles(ports: ReturnType<typeof embeddedPorts>) {
    const wave = (i: number) => Math.sin(i * 1.7) * 0.01 + Math.cos(i * 0.3) * 0.004;
    for (const [symbol, sign] of [
      ['BTCUSDT', 1],
      ['ETHUSDT', 1],
      ['SOLUSDT', -1],
    ] as const) {
      let close = 100;
      const docs: CandleDoc[] = [];
      for (let i = 0; i < BARS; i++) {
        const open = close;
        close = open * Math.exp(sign * wave(i) + (symbol === 'ETHUSDT' ? 0.0005 * Math.sin(i * 5.1) : 0));
        if (symbol === 'SOLUSDT' && i === 55) continue;
        docs.push({
          _key: String(DAY + i * FIVE_MINUTES),
          symbol,
          interval: '5m',
          open_time: DAY + i * FIVE_MINUTES,
          close_time: DAY + (i + 1) * FIVE_MINUTES - 1,
          open,
          high: Math.max(open, close),
          low: Math.min(open, close),
          close,
          volume: 10 + (i % 7),
          quote_volume: 1000,
          trades: 5,
          rsi_14: 50 + (i % 10),
          vwap: close,
          volatility_30: 0.01,
        } as CandleDoc);
      }
      await ports.store.upsert(`${symbol.toLowerCase()}_api_candles_5m_2024_08_01`, docs);
    }
  }

  const command = () => {
    const base = commandFor(TARGETS.graphBuilder, 'BTCUSDT', 'api_candles_5m', '2024-08-01:2024-08-02');
    return {
      ...base,
      collection_name: graphNameFor(DAY, 'abc123'),
      stage: { workflow_id: 'wf-20240801-abc123', symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], pipeline: ['graph'] as PipelineStage[], options: DEFAULT_PIPELINE_OPTIONS },
    };
  };

  it('stores a graph per window with its vertices and correlation edges, reports the missing, and re-runs to the same graph', async () => {
    const ports = embeddedPorts();
    await storeCandles(ports);
    const graph = graphNameFor(DAY, 'abc123');
    const { result } = runStep(createGraphBuilder(), stepContext(ports, command()));
    const outcome = await result;
    // 96 stored bars (the range runs to the last one) in windows of 24: four graphs; SOL misses window 2.
    expect(outcome.result).toEqual({
      kind: 'graph',
      graph,
      windows: 4,
      vertices: 11,
      edges: outcome.result?.kind === 'graph' ? outcome.result.edges : -1,
      missing: [{ symbol: 'SOLUSDT', windows: 1 }],
    });
    expect(outcome.message).toContain('SOLUSDT in 1 of 4 windows');

    const doc = await ports.store.get<GraphDoc>(GRAPHS, graph);
    expect(doc?.windows.map((w) => w.missing)).toEqual([[], [], ['SOLUSDT'], []]);
    expect(doc).toMatchObject({ symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'], window_bars: 24, stride_bars: 24, from: DAY, to: DAY + BARS * FIVE_MINUTES });
    expect(await ports.store.graphs()).toEqual([{ name: graph, vertices: `${graph}_vertices`, edges: `${graph}_edges` }]);

    const vertices = await ports.store.query<VertexDoc>(`${graph}_vertices`, { field: 'window' });
    expect(vertices.filter((v) => v.window === 2).map((v) => v.symbol)).toEqual(['BTCUSDT', 'ETHUSDT']);
    const edges = await ports.store.query<EdgeDoc>(`${graph}_edges`, { field: 'window' });
    // BTC and ETH move together and SOL against them: every window joins them all, SOL by negative weights.
    expect(edges.filter((e) => e.window === 0).map((e) => [e._key, Math.sign(e.weight)])).toEqual([
      ['0_BTCUSDT_ETHUSDT', 1],
      ['0_BTCUSDT_SOLUSDT', -1],
      ['0_ETHUSDT_SOLUSDT', -1],
    ]);
    expect(edges.filter((e) => e.window === 2).map((e) => e._key)).toEqual(['2_BTCUSDT_ETHUSDT']);
    expect(edges.find((e) => e._key === '0_BTCUSDT_SOLUSDT')?._to).toBe(`${graph}_vertices/0_SOLUSDT`);
    expect(outcome.result).toMatchObject({ edges: edges.length });

    const again = await runStep(createGraphBuilder(), stepContext(ports, command())).result;
    expect(again.result).toEqual(outcome.result);
    expect(await ports.store.count(`${graph}_vertices`)).toBe(11);
    expect(await ports.store.count(`${graph}_edges`)).toBe(edges.length);
  });

  it('fails for good, saying why, when the stored candles are shorter than one window', async () => {
    const ports = embeddedPorts();
    const cmd = command();
    cmd.stage.options = { ...DEFAULT_PIPELINE_OPTIONS, graph: { window_bars: 200, stride_bars: 100, threshold: 0.3 } };
    await storeCandles(ports);
    const { result, notices } = runStep(createGraphBuilder(), stepContext(ports, cmd));
    await expect(result).rejects.toThrow('the stored candles hold 96 bars of 5m, fewer than one window of 200');
    expect(notices).toEqual([]);
  });
});
