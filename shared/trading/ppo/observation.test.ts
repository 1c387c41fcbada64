// The agent's observation on hand-made closes: the returns in order, RSI placed in [-0.5, 0.5] once warm,
// the account's position and cash shares, and refusals of what must never reach it.
import { describe, expect, it } from 'vitest';
import type { PriceBar } from '../execution.ts';
import { Observer, observationSize, RETURN_CLIP } from './observation.ts';

const bar = (close: number, i = 0): PriceBar => ({ open_time: i * 300_000, open: close, high: close, low: close, close, volume: 1 });
const fed = (window: number, closes: readonly number[]) => {
  const observer = new Observer(window);
  for (const [i, close] of closes.entries()) observer.push(bar(close, i));
  return observer;
};

describe('Observer', () => {
  it('gives nothing until it has `window` returns, then the last ones oldest first, percent log returns', () => {
    expect(fed(2, [100, 104]).observe(0)).toBeNull();
    const observation = fed(2, [100, 104, 101]).observe(0)!;
    expect(observation).toHaveLength(observationSize(2));
    expect(observation[0]).toBeCloseTo(Math.log(104 / 100) * 100, 5);
    expect(observation[1]).toBeCloseTo(Math.log(101 / 104) * 100, 5);
    // RSI(14) is not warm after two changes: neutral.
    expect(observation[2]).toBe(0);
    const next = fed(2, [100, 104, 101, 101]).observe(0)!;
    expect(next[0]).toBeCloseTo(Math.log(101 / 104) * 100, 5);
    expect(next[1]).toBe(0);
  });

  it('places RSI(14) at rsi/100 - 0.5 from the 14th change on', () => {
    // Up 2, down 1, seven times each: average gain 1, average loss 0.5, RSI = 100 - 100/3.
    const closes = [100];
    for (let i = 0; i < 14; i++) closes.push(closes.at(-1)! + (i % 2 === 0 ? 2 : -1));
    expect(fed(3, closes.slice(0, 14)).observe(0)![3]).toBe(0);
    expect(fed(3, closes).observe(0)![3]).toBeCloseTo(2 / 3 - 0.5, 6);
  });

  it('ends with the position share and the cash share', () => {
    const observer = fed(2, [100, 101, 102]);
    expect([...observer.observe(1)!.subarray(3)]).toEqual([1, 0]);
    expect([...observer.observe(0)!.subarray(3)]).toEqual([0, 1]);
    expect(() => observer.observe(1.5)).toThrow(/position share/);
  });

  it('clips a jump to ±RETURN_CLIP so a bad print cannot saturate the network', () => {
    const observation = fed(2, [100, 150, 60]).observe(0)!;
    expect([observation[0], observation[1]]).toEqual([RETURN_CLIP, -RETURN_CLIP]);
  });

  it('refuses a bar without a finite positive close, naming it', () => {
    const observer = fed(2, [100]);
    expect(() => observer.push(bar(Number.NaN, 7))).toThrow(/at 2100000 whose close is NaN/);
    expect(() => observer.push(bar(Number.POSITIVE_INFINITY))).toThrow(/filtered out/);
    expect(() => observer.push(bar(0))).toThrow(/close is 0/);
  });
});
