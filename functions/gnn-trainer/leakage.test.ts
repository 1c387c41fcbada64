// The leakage guard: on a simulated market whose returns are independent by construction (random walks,
// no common factor), nothing about the next window can be known, so a trainer that scores well there has
// seen the future. The whole path runs: stored candles → graph-builder → gnn-trainer.
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../shared/adapters/embedded/fs-object-store.ts';
import { TARGETS, graphNameFor } from '../../shared/contracts/names.ts';
import { DEFAULT_PIPELINE_OPTIONS, type PipelineStage, type TrainOutcome } from '../../shared/contracts/pipeline.ts';
import { tempDir } from '../../test/helpers.ts';
import { simulatedSymbols, storeSimulatedCandles } from '../../test/market-candles.ts';
import { commandFor, embeddedPorts, runStep, stepContext } from '../../test/step-context.ts';
import { createGraphBuilder } from '../graph-builder/index.ts';
import { createGnnTrainer } from './index.ts';

const FROM = Date.UTC(2024, 2, 1);
const TO = Date.UTC(2024, 2, 31);
/** The two-sided 99 % quantile of the standard normal. */
const Z99 = 2.576;

describe('leakage guard', () => {
  it('scores no better than a coin on independent random walks: accuracy and MCC inside their 99 % bounds', async () => {
    const symbols = simulatedSymbols(20, { beta: () => 0 });
    const ports = { ...embeddedPorts(), objects: new FsObjectStore(await tempDir('sf-objects-')) };
    await storeSimulatedCandles(ports.store, { seed: 11, symbols, market: { path: 'random-walk' } }, FROM, TO);
    const stage = { workflow_id: 'wf-20240301-abc123', symbols: symbols.map((s) => s.symbol), pipeline: ['graph', 'train'] as PipelineStage[], options: DEFAULT_PIPELINE_OPTIONS };
    const step = (target: string) => ({
      ...commandFor(target, symbols[0]!.symbol, 'api_candles_5m', '2024-03-01:2024-03-31'),
      collection_name: graphNameFor(FROM, 'abc123'),
      stage,
    });
    const graph = await runStep(createGraphBuilder(), stepContext(ports, step(TARGETS.graphBuilder))).result;
    expect(graph.result).toMatchObject({ windows: 360, vertices: 360 * 20, missing: [] });
    // Independent returns: an edge needs |rho| >= 0.3 over 24 bars, which chance alone gives about one pair in seven.
    const edges = graph.result?.kind === 'graph' ? graph.result.edges : 0;
    expect(edges / (360 * 190)).toBeLessThan(0.2);

    const outcome = (await runStep(createGnnTrainer(), stepContext(ports, step(TARGETS.gnnTrainer))).result).result as TrainOutcome;
    const n = outcome.test_predictions;
    expect(n).toBeGreaterThan(1000);
    // Under independence the calls are right half the time: accuracy ~ Binomial(n, 1/2) / n, and sqrt(n)·MCC ~ N(0, 1).
    const accuracyBound = (Z99 * 0.5) / Math.sqrt(n);
    expect(Math.abs(outcome.test.accuracy - 0.5), JSON.stringify(outcome)).toBeLessThan(accuracyBound);
    expect(Math.abs(outcome.test.mcc), JSON.stringify(outcome)).toBeLessThan(Z99 / Math.sqrt(n));
    // The baselines see the same coin.
    expect(Math.abs(outcome.baselines.last_window.accuracy - 0.5)).toBeLessThan(accuracyBound);
    console.log(
      `leakage guard: ${n} test predictions, accuracy ${(outcome.test.accuracy * 100).toFixed(1)}% (bound ±${(accuracyBound * 100).toFixed(1)} points), MCC ${outcome.test.mcc.toFixed(3)}`,
    );
  }, 120_000);
});
