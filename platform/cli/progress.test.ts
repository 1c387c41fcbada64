// The progress view: bars against what each step should reach, retries shown, redrawn in place on a
// terminal and printed once per change otherwise.
import { describe, expect, it } from 'vitest';
import { workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { planWorkflow } from '../../functions/orchestrator/plan.ts';
import { ProgressView, stepLine } from './progress.ts';

function workflow() {
  const planned = planWorkflow(
    workflowRequestSchema.parse({ symbols: ['BTCUSDT'], types: ['api_candles_5m'], time_range: '2024-08-01:2024-08-02' }),
    'abc123',
    new Date('2024-08-05T00:00:00Z'),
  );
  planned.status = 'running';
  for (const step of planned.steps) step.status = 'running';
  return planned;
}

describe('progress view', () => {
  it('draws a candle loader against the candles of its range, and its persister against what the loader sent', () => {
    const w = workflow();
    const [loader, persister] = w.steps;
    loader!.records_written = 144;
    expect(stepLine(loader!, w)).toBe(`BTCUSDT   api_candles_5m  loader-producer  ${'█'.repeat(14)}${'░'.repeat(14)}         144/288  running`);
    expect(stepLine(persister!, w)).toBe(`BTCUSDT   api_candles_5m  arango-connector ${'▒'.repeat(28)}               0  running`);
    loader!.status = 'succeeded';
    loader!.records_written = 288;
    persister!.records_written = 72;
    expect(stepLine(persister!, w)).toBe(`BTCUSDT   api_candles_5m  arango-connector ${'█'.repeat(7)}${'░'.repeat(21)}          72/288  running`);
  });

  it('says when a step waits to retry, and why it failed', () => {
    const w = workflow();
    const loader = w.steps[0]!;
    loader.retry = { attempt: 2, error: 'HTTP 500 from the exchange', next_at: '2024-08-05T00:00:05.000Z' };
    expect(stepLine(loader, w)).toMatch(/ retrying \(attempt 2 failed: HTTP 500 from the exchange\)$/);
    loader.status = 'failed';
    loader.message = 'Binance error -1121: Invalid symbol.';
    expect(stepLine(loader, w)).toMatch(/ failed: Binance error -1121: Invalid symbol\.$/);
  });

  it('says, in a cluster, that a step waits for a pod until one reports, then which pod runs it', () => {
    const w = workflow();
    w.launch = 'keda';
    const loader = w.steps[0]!;
    expect(stepLine(loader, w)).toMatch(/ waiting for a pod$/);
    Object.assign(loader, { heard_at: '2024-08-05T00:00:01.000Z', pod: 'loader-x7k2p-abcde' });
    expect(stepLine(loader, w)).toMatch(/ running in pod loader-x7k2p-abcde$/);
  });

  it('prints a line per change without a terminal, and redraws in place on one', () => {
    const plain: string[] = [];
    const view = new ProgressView({ isTTY: false, write: (text: string) => plain.push(text) });
    const w = workflow();
    view.render(w);
    view.render(w);
    expect(plain).toHaveLength(3);
    w.steps[0]!.status = 'succeeded';
    view.render(w);
    expect(plain).toHaveLength(4);
    expect(plain[3]).toMatch(/loader-producer .* succeeded\n$/);
    const tty: string[] = [];
    const live = new ProgressView({ isTTY: true, write: (text: string) => tty.push(text) });
    live.render(w);
    live.render(w);
    expect(tty[1]).toBe('\x1b[3A');
    expect(tty[2]!.split('\n').filter(Boolean)).toHaveLength(3);
  });
});
