// The 'cycles' market: its wave on its own (size, noise, purity in time), then through the simulator as a
// client sees it — the same candles however they are asked for, a 3 % move each half cycle, nothing
// earned by holding through whole cycles, and a trend that persists from one 5m bar to the next.
import { describe, expect, it } from 'vitest';
import type { ExchangeSim } from './index.ts';
import { CYCLE_PERIOD_MS, CyclesPath, NOISE_STD } from './cycles.ts';
import type { SymbolConfigInput } from './options.ts';
import { klines, makeSim } from './test-support.ts';
import { TestClient, sleep, startSim } from './ws/ws-test-support.ts';

const MINUTE_MS = 60_000;
const M5 = 5 * MINUTE_MS;
const BARS_PER_CYCLE = CYCLE_PERIOD_MS / M5;
const AUG = Date.parse('2024-08-01T00:00:00Z');

/** A calm symbol and a wild one with a high beta: the wave is the same size for both. */
const custom = (symbol: string, annualVolatility: number, beta: number): SymbolConfigInput => ({
  symbol,
  baseAsset: symbol.slice(0, -4),
  quoteAsset: 'USDT',
  tickSize: '0.0001',
  stepSize: '0.01',
  startPrice: 10,
  annualVolatility,
  beta,
  listedAt: 0,
  tradesPerHour: 600,
});
const SYMBOLS = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'DOGEUSDT', custom('CALMUSDT', 0.2, 0), custom('WILDUSDT', 1.5, 2.5)];
const NAMES = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT', 'DOGEUSDT', 'CALMUSDT', 'WILDUSDT'];

const cyclesSim = (seed = 42): ExchangeSim => makeSim({ market: { path: 'cycles' }, symbols: SYMBOLS, seed });

/** 5m closes of [from, from + bars · 5m), page by page as a client reads them. */
async function closes(sim: ExchangeSim, symbol: string, from: number, bars: number): Promise<number[]> {
  const out: number[] = [];
  for (let t = from; out.length < bars; t += 1000 * M5) {
    const rows = await klines(sim, `symbol=${symbol}&interval=5m&startTime=${t}&limit=${Math.min(1000, bars - out.length)}`);
    out.push(...rows.map((k) => Number(k[4])));
  }
  return out;
}

/** How often a 5m return has the sign of the one before it. */
function followTheLastBar(prices: readonly number[]): number {
  const returns = prices.slice(1).map((p, i) => p / prices[i]! - 1);
  let followed = 0;
  for (let i = 1; i < returns.length; i++) if (Math.sign(returns[i]!) === Math.sign(returns[i - 1]!)) followed++;
  return followed / (returns.length - 1);
}

describe('CyclesPath', () => {
  it('is a pure function of time and key, with a phase of its own per key', () => {
    const t = Date.parse('2021-05-06T07:08:09Z');
    expect(new CyclesPath(1).at(t)).toBe(new CyclesPath(1).at(t));
    expect(new CyclesPath(1).wave(t)).not.toBe(new CyclesPath(2).wave(t));
    // Whole cycles later the clean wave is where it was, to rounding.
    expect(new CyclesPath(1).wave(t + 1000 * CYCLE_PERIOD_MS)).toBeCloseTo(new CyclesPath(1).wave(t), 12);
  });

  it('moves by the half-cycle move between a trough and the crest half a cycle later', () => {
    const path = new CyclesPath(0xc0de);
    const minutes = Array.from({ length: CYCLE_PERIOD_MS / MINUTE_MS }, (_, i) => AUG + i * MINUTE_MS);
    const wave = minutes.map((t) => path.wave(t));
    const trough = wave.indexOf(Math.min(...wave));
    const crest = wave.indexOf(Math.max(...wave));
    expect(Math.abs(crest - trough)).toBe(CYCLE_PERIOD_MS / MINUTE_MS / 2);
    // Sampled by the minute, the extremes are at most a minute's trend (0.025 %) short of the true ones.
    expect(Math.exp(wave[crest]! - wave[trough]!) - 1).toBeCloseTo(0.03, 3);
  });

  it('adds seeded noise of a tenth of a bar’s trend, linear between minutes', () => {
    const path = new CyclesPath(7);
    const residuals = Array.from({ length: 20_000 }, (_, i) => path.at(AUG + i * MINUTE_MS) - path.wave(AUG + i * MINUTE_MS));
    const std = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
    // The relative standard error of a standard deviation from n draws is 1/√(2n): 0.5 % here.
    expect(Math.abs(std / NOISE_STD - 1)).toBeLessThan(0.03);
    const t = AUG + 123 * MINUTE_MS;
    const noiseAt = (u: number) => path.at(u) - path.wave(u);
    expect(noiseAt(t + 15_000)).toBeCloseTo(0.75 * noiseAt(t) + 0.25 * noiseAt(t + MINUTE_MS), 14);
  });
});

describe('cycles market through REST klines', () => {
  it('is deterministic per seed and gives the same closes however it is asked', async () => {
    const query = `symbol=ETHUSDT&interval=5m&startTime=${AUG}&limit=96`;
    const a = await klines(cyclesSim(), query);
    expect(await klines(cyclesSim(), query)).toEqual(a);
    expect((await klines(cyclesSim(7), query)).map((k) => k[4])).not.toEqual(a.map((k) => k[4]));
    // The same hours as 1m candles, read backwards from an end time on a fresh simulator: every fifth close matches.
    const minutes = await klines(cyclesSim(), `symbol=ETHUSDT&interval=1m&endTime=${AUG + 96 * M5 - 1}&limit=480`);
    expect(minutes.filter((_, i) => i % 5 === 4).map((k) => k[4])).toEqual(a.map((k) => k[4]));
  });

  it('rises about 3 % and falls back over each half cycle, whatever the volatility and beta', async () => {
    const sim = cyclesSim();
    const crests = new Set<number>();
    for (const symbol of NAMES) {
      const logs = (await closes(sim, symbol, AUG, 2 * 24 * 12)).map(Math.log);
      // Every run of one cycle's closes holds one crest and one trough, half a cycle apart.
      for (let from = 0; from + BARS_PER_CYCLE <= logs.length; from += BARS_PER_CYCLE / 4) {
        const cycle = logs.slice(from, from + BARS_PER_CYCLE);
        const high = cycle.indexOf(Math.max(...cycle));
        const low = cycle.indexOf(Math.min(...cycle));
        expect(Math.abs(Math.abs(high - low) - BARS_PER_CYCLE / 2), `${symbol} from bar ${from}`).toBeLessThanOrEqual(1);
        // A close may miss a turn by half a bar's trend (0.06 %) at either end, and the noise adds a little
        // (at most 0.17 % over three seeds); a random walk of these volatilities strays by 1.5 to 8 %.
        expect(Math.abs(Math.exp(cycle[high]! - cycle[low]!) - 1.03), `${symbol} from bar ${from}`).toBeLessThan(0.0025);
        if (from === 0) crests.add(high);
      }
    }
    // Each symbol has a phase of its own.
    expect(crests.size).toBeGreaterThanOrEqual(NAMES.length / 2);
  });

  it('returns about nothing to buy-and-hold over whole cycles, and rewards following the last bar', async () => {
    const sim = cyclesSim();
    const fromBar = 7; // a start not on any particular phase
    for (const symbol of NAMES) {
      const prices = await closes(sim, symbol, AUG + fromBar * M5, 7 * 24 * 12);
      for (let cycles = 1; cycles * BARS_PER_CYCLE < prices.length; cycles += 5) {
        // Far below the 3 % a half cycle moves: only the noise at the two ends remains (at most 0.11 % over three seeds).
        expect(Math.abs(prices[cycles * BARS_PER_CYCLE]! / prices[0]! - 1), `${symbol} over ${cycles} cycles`).toBeLessThan(0.002);
      }
      // Only the bars around the two turns of each 48-bar cycle break the trend: about 2 in 48 (95.8 %).
      expect(followTheLastBar(prices), symbol).toBeGreaterThan(0.9);
    }
  });

  it('is what makes following the last bar pay: on a random walk the same rule is a coin flip', async () => {
    const walk = makeSim({ market: { path: 'random-walk' }, symbols: SYMBOLS });
    const rate = followTheLastBar(await closes(walk, 'ETHUSDT', AUG, 7 * 24 * 12));
    // 2,014 calls: a coin's standard error is 1.1 points.
    expect(Math.abs(rate - 0.5)).toBeLessThan(0.05);
  });
});

describe('cycles market through the WebSocket streams', () => {
  it('closes the candles REST returns', async () => {
    const running = await startSim({ speed: 60, market: { path: 'cycles' } });
    try {
      const client = await TestClient.open(`${running.wsUrl}/ws/ethusdt@kline_1s`);
      await sleep(1500);
      await client.close();
      const closed = client.bodies((b) => b.e === 'kline' && b.k.x).map((b) => b.k);
      expect(closed.length).toBeGreaterThanOrEqual(60);
      const res = await fetch(`${running.url}/api/v3/klines?symbol=ETHUSDT&interval=1s&startTime=${closed[0].t}&limit=${closed.length}`);
      const rest = (await res.json()) as unknown[][];
      expect(closed.map((k) => [k.t, k.o, k.h, k.l, k.c])).toEqual(rest.map((row) => row.slice(0, 5)));
    } finally {
      await running.close();
    }
  });
});
