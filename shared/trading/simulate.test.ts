import { describe, expect, it } from 'vitest';
import type { Action, Fill, PriceBar } from './execution.ts';
import { type Strategy, simulate } from './simulate.ts';

const MINUTE = 60_000;
/** Bars with the given opens and closes, one a minute. */
function barsOf(prices: readonly (readonly [open: number, close: number])[]): PriceBar[] {
  return prices.map(([open, close], i) => ({ open_time: i * MINUTE, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 }));
}
const path = barsOf([
  [100, 101],
  [102, 104],
  [103, 99],
  [98, 105],
  [106, 110],
  [111, 120],
]);
const buyAndHold: Strategy = { decide: () => 'buy' };
const free = { fee_rate: 0, slippage_rate: 0 };

describe('simulate', () => {
  it('buy-and-hold returns exactly the price ratio from the first fill to the last close, minus fees on both fills', () => {
    const fee = 0.001;
    const run = simulate(path, buyAndHold, { costs: { fee_rate: fee, slippage_rate: 0 }, initialCash: 10_000 });
    // Decided on bar 0's close, filled at bar 1's open (102); sold at the last close (120).
    expect(run.fills.map((f) => [f.side, f.price])).toEqual([
      ['buy', 102],
      ['sell', 120],
    ]);
    expect(run.finalEquity / 10_000).toBeCloseTo((120 / 102) * (1 - fee) ** 2, 12);
    // Flat through bar 0, long from bar 1.
    expect([...run.positions]).toEqual([0, 1, 1, 1, 1, 1]);
    expect(run.equity[0]).toBe(10_000);
    expect(run.equity[2]).toBeCloseTo(10_000 * (1 - fee) * (99 / 102), 9);
  });

  it('compounds its per-bar returns into the final equity', () => {
    const run = simulate(path, buyAndHold, { costs: { fee_rate: 0.002, slippage_rate: 0.001 }, initialCash: 500 });
    const compounded = run.returns.reduce((e, r) => e * (1 + r), 500);
    expect(compounded).toBeCloseTo(run.finalEquity, 9);
    expect(run.returns).toHaveLength(path.length);
  });

  it('changes the result by exactly the fees and slippage: each fill pays the fee on its notional, the price moves against it', () => {
    const gross = simulate(path, buyAndHold, { costs: free, initialCash: 1 }).finalEquity;
    const fee = 0.00075;
    const slip = 0.0002;
    const net = simulate(path, buyAndHold, { costs: { fee_rate: fee, slippage_rate: slip }, initialCash: 1 }).finalEquity;
    expect(gross).toBeCloseTo(120 / 102, 14);
    expect(net / gross).toBeCloseTo(((1 - fee) * (1 - fee) * (1 - slip)) / (1 + slip), 14);
    const onlySlippage = simulate(path, buyAndHold, { costs: { fee_rate: 0, slippage_rate: slip }, initialCash: 1 });
    expect(onlySlippage.fills[0]!.price).toBeCloseTo(102 * (1 + slip), 12);
    expect(onlySlippage.fills[1]!.price).toBeCloseTo(120 * (1 - slip), 12);
  });

  it('hands the strategy each bar only once it has closed, and fills every decision at a later bar', () => {
    const events: string[] = [];
    const seen: number[] = [];
    const recorder: Strategy = {
      decide(bar, holding) {
        seen.push(bar.open_time);
        events.push(`saw ${bar.open_time / MINUTE} ${holding.long ? 'long' : 'flat'}`);
        // Alternate: buy on even bars, sell on odd ones.
        return (bar.open_time / MINUTE) % 2 === 0 ? 'buy' : 'sell';
      },
    };
    const fills: Fill[] = [];
    simulate(path, recorder, {
      costs: free,
      initialCash: 100,
      onFill: (f) => {
        fills.push(f);
        events.push(`filled ${f.side} at ${f.time / MINUTE}`);
      },
    });
    expect(events).toEqual([
      'saw 0 flat',
      'filled buy at 1',
      'saw 1 long',
      'filled sell at 2',
      'saw 2 flat',
      'filled buy at 3',
      'saw 3 long',
      'filled sell at 4',
      'saw 4 flat',
      'filled buy at 5',
      'filled sell at 6',
    ]);
    // The last bar is never handed over for a decision: nothing could fill after it.
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => i * MINUTE));
    for (const fill of fills) expect(fill.time).toBeGreaterThan(fill.decided_at);
    // Each buy fills at the open of the bar after the decision, a price the strategy had not seen.
    expect(fills.filter((f) => f.side === 'buy').map((f) => f.price)).toEqual([102, 98, 111]);
  });

  it('cannot profit from the close of the bar it trades on: a strategy "knowing" the next close still trades at its open', () => {
    // Whatever it decides on bar t, it gets bar t+1's open; its only inputs are bars 0..t.
    const cheat: Strategy = { decide: (bar): Action => (bar.close > bar.open ? 'buy' : 'sell') };
    const run = simulate(path, cheat, { costs: free, initialCash: 1 });
    for (const fill of run.fills.slice(0, -1)) expect(path.find((b) => b.open_time === fill.time)!.open).toBe(fill.price);
  });

  it('lets the strategy see the history before the traded period and fills its first decision at the period start', () => {
    const seen: number[] = [];
    const strategy: Strategy = {
      decide(bar) {
        seen.push(bar.open_time / MINUTE);
        return 'buy';
      },
    };
    const run = simulate(path, strategy, { costs: free, initialCash: 1, start: 3, end: 5 });
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(run.fills.map((f) => [f.side, f.price, f.time / MINUTE])).toEqual([
      ['buy', 98, 3],
      ['sell', 110, 5],
    ]);
    expect(run.finalEquity).toBeCloseTo(110 / 98, 14);
    expect(run.equity).toHaveLength(2);
  });

  it('refuses an empty period and bad costs', () => {
    expect(() => simulate(path, buyAndHold, { costs: free, initialCash: 1, start: 3, end: 3 })).toThrow(/at least one/);
    expect(() => simulate(path, buyAndHold, { costs: { fee_rate: -0.1, slippage_rate: 0 }, initialCash: 1 })).toThrow(/fee_rate/);
    expect(() => simulate(path, buyAndHold, { costs: free, initialCash: 0 })).toThrow(/initial cash/);
  });
});
