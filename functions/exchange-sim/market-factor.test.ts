// The market factor through REST: return correlations and volatilities measured from klines against
// the configured betas and volatilities, the random walk's independence across time, and the checks
// on the options. Tolerances are a few standard errors of each estimate, so a seed is not tuned to pass.
import { describe, expect, it } from 'vitest';
import type { ExchangeSim } from './index.ts';
import { type PathKind, type SymbolConfigInput, simOptionsSchema } from './options.ts';
import { expectedCorrelation } from './price-path.ts';
import { klines, makeSim } from './test-support.ts';

const AUG = Date.parse('2024-08-01T00:00:00Z');
const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
const M5 = 300_000;
const H1 = 3_600_000;

function custom(symbol: string, annualVolatility: number, beta: number, tradesPerHour = 300): SymbolConfigInput {
  return { symbol, baseAsset: symbol.slice(0, -4), quoteAsset: 'USDT', tickSize: '0.0001', stepSize: '0.01', startPrice: 10, annualVolatility, beta, listedAt: 0, tradesPerHour };
}

/** Log returns between consecutive closes of [from, to), read page by page as a client would. */
async function logReturns(sim: ExchangeSim, symbol: string, interval: '5m' | '1h', from: number, to: number): Promise<number[]> {
  const step = interval === '5m' ? M5 : H1;
  const closes: number[] = [];
  for (let t = from; t < to; t += 1000 * step) {
    const rows = await klines(sim, `symbol=${symbol}&interval=${interval}&startTime=${t}&endTime=${Math.min(to, t + 1000 * step) - 1}&limit=1000`);
    for (const k of rows) closes.push(Number(k[4]));
  }
  expect(closes).toHaveLength((to - from) / step);
  return closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Annualized from the mean square: a log price without drift has zero-mean returns. */
const annualizedVolatility = (returns: readonly number[], stepMs: number) => Math.sqrt((mean(returns.map((r) => r * r)) * YEAR_MS) / stepMs);

const lag1 = (xs: readonly number[]) => correlation(xs.slice(1), xs.slice(0, -1));

describe.each<PathKind>(['random-walk', 'swings'])('market factor, %s paths', (path) => {
  // Closes are last trades, a few seconds apart between symbols, which shrinks a measured correlation by
  // about that gap over 5m (the Epps effect): the high pair trades often enough to keep it under 0.5 %.
  const symbols = ['BTCUSDT', 'ETHUSDT', custom('HIGHAUSDT', 0.6, 1.1, 2400), custom('HIGHBUSDT', 0.8, 1.5, 2400), custom('ZEROUSDT', 0.8, 0)];
  const sim = makeSim({ market: { path }, symbols });

  it('correlates 5m returns over a week as beta_a·beta_b·σm²/(σa·σb)', async () => {
    const week = (s: string) => logReturns(sim, s, '5m', AUG, AUG + 7 * DAY_MS);
    const returns = Object.fromEntries(await Promise.all(['BTCUSDT', 'ETHUSDT', 'HIGHAUSDT', 'HIGHBUSDT', 'ZEROUSDT'].map(async (s) => [s, await week(s)] as const)));
    const pairs = [
      ['HIGHAUSDT', 'HIGHBUSDT', 0.859],
      ['BTCUSDT', 'ETHUSDT', 0.611],
      ['BTCUSDT', 'ZEROUSDT', 0],
    ] as const;
    for (const [a, b, rounded] of pairs) {
      const expected = sim.market.correlation(a, b);
      expect(expected).toBeCloseTo(rounded, 3);
      // The standard error of a sample correlation is about (1 - ρ²)/√n; the swings' smooth noise has
      // fewer independent returns in a week than the random walk, so it gets five of them, not four.
      const n = returns[a]!.length;
      const tolerance = (path === 'swings' ? 5 : 4) * ((1 - expected ** 2) / Math.sqrt(n));
      expect(Math.abs(correlation(returns[a]!, returns[b]!) - expected), `${a}/${b}`).toBeLessThan(tolerance);
    }
  });
});

describe('realized volatility of 5m returns over four weeks', () => {
  // Prices are linear between one-minute knots, so a return between two trades inside minutes varies a
  // little less than the walk; closes of symbols trading this often sit within seconds of the knot.
  const symbols = [custom('LOWUSDT', 0.5, 0.8, 2400), custom('HIGHUSDT', 1.2, 1.6, 2400)];
  const realized = async (path: PathKind) => {
    const sim = makeSim({ market: { path }, symbols });
    const out: Record<string, number> = {};
    for (const s of ['LOWUSDT', 'HIGHUSDT']) out[s] = annualizedVolatility(await logReturns(sim, s, '5m', AUG, AUG + 28 * DAY_MS), M5);
    return out;
  };

  it('is the configured volatility on the random walk', async () => {
    const vol = await realized('random-walk');
    // 8,063 returns: the relative standard error of a realized volatility is 1/√(2n), 0.8 %.
    expect(vol.LOWUSDT! / 0.5).toBeGreaterThan(0.97);
    expect(vol.LOWUSDT! / 0.5).toBeLessThan(1.03);
    expect(vol.HIGHUSDT! / 1.2).toBeGreaterThan(0.97);
    expect(vol.HIGHUSDT! / 1.2).toBeLessThan(1.03);
  });

  it('is the configured volatility times one factor of the swings shape', async () => {
    // The swings' annualized volatility depends on the horizon (about 1.25× at 1m, 1.12× at 5m, 1.2× at 1h
    // over many seeds), but every symbol has the same shape, so the ratio to the configured one is shared.
    const vol = await realized('swings');
    const [low, high] = [vol.LOWUSDT! / 0.5, vol.HIGHUSDT! / 1.2];
    for (const ratio of [low, high]) {
      expect(ratio).toBeGreaterThan(1.05);
      expect(ratio).toBeLessThan(1.2);
    }
    expect(Math.abs(low / high - 1)).toBeLessThan(0.05);
  });
});

describe('random-walk market', () => {
  const symbols = [custom('BETAUSDT', 0.9, 1.3, 10), custom('SOLOUSDT', 0.7, 0, 10)];

  it('has no lag-1 autocorrelation in a year of 1h returns', async () => {
    const sim = makeSim({ market: { path: 'random-walk' }, symbols });
    const from = Date.parse('2023-08-01T00:00:00Z');
    for (const s of ['BETAUSDT', 'SOLOUSDT']) {
      const returns = await logReturns(sim, s, '1h', from, from + 365 * DAY_MS);
      // The standard error of a lag-1 autocorrelation of independent returns is 1/√n: 0.011 here.
      expect(Math.abs(lag1(returns)), s).toBeLessThan(3 / Math.sqrt(returns.length));
    }
  });

  it('is deterministic per seed', async () => {
    const query = `symbol=BETAUSDT&interval=1h&startTime=${AUG}&limit=200`;
    const a = await klines(makeSim({ market: { path: 'random-walk' }, symbols }), query);
    const b = await klines(makeSim({ market: { path: 'random-walk' }, symbols }), query);
    const c = await klines(makeSim({ market: { path: 'random-walk' }, symbols, seed: 7 }), query);
    expect(b).toEqual(a);
    expect(c.map((k) => k[4])).not.toEqual(a.map((k) => k[4]));
    expect(c.map((k) => k[8])).toEqual(a.map((k) => k[8]));
  });

  it('trades at the start price at its origin, 2024-01-01', async () => {
    const sim = makeSim({ market: { path: 'random-walk' }, symbols: [custom('BETAUSDT', 0.9, 1.3, 10_000)] });
    const [first] = await klines(sim, `symbol=BETAUSDT&interval=1m&startTime=${Date.parse('2024-01-01T00:00:00Z')}&limit=1`);
    // Within the trades' own noise around the path (a few hundredths of a percent).
    expect(Number(first![1])).toBeCloseTo(10, 1);
  });
});

describe('market options', () => {
  it('defaults to a swings market of volatility 0.5 and independent custom symbols', () => {
    const config = simOptionsSchema.parse({ symbols: [custom('ANYUSDT', 0.8, 0)].map(({ beta: _, ...rest }) => rest) });
    expect(config.market).toEqual({ annualVolatility: 0.5, path: 'swings' });
    expect(config.symbols[0]!.beta).toBe(0);
  });

  it('gives every default symbol a beta that leaves it a volatility of its own', () => {
    const { symbols, market } = simOptionsSchema.parse({});
    expect(symbols.map((s) => s.beta)).toEqual([1, 1.1, 1.1, 1.4, 1.3, 1.3, 1.4, 1.2]);
    for (const s of symbols) expect(s.beta * market.annualVolatility, s.symbol).toBeLessThan(s.annualVolatility);
    const btc = symbols[0]!;
    const others = symbols.slice(1).map((s) => expectedCorrelation(btc, s, market));
    for (const r of others) expect(r).toBeGreaterThan(0.5);
  });

  it("refuses a beta whose market share exceeds the symbol's volatility, naming the beta", () => {
    const result = simOptionsSchema.safeParse({ symbols: [custom('WILDUSDT', 0.4, 1)] });
    expect(result.success).toBe(false);
    expect(result.error!.issues).toMatchObject([
      { path: ['symbols', 0, 'beta'], message: "beta 1 × market.annualVolatility 0.5 = 0.5 exceeds WILDUSDT's annualVolatility 0.4; lower the beta or the market's volatility" },
    ]);
    const loud = simOptionsSchema.safeParse({ symbols: ['BTCUSDT', 'ETHUSDT'], market: { annualVolatility: 0.7 } });
    expect(loud.error!.issues.map((i) => i.path)).toEqual([
      ['symbols', 0, 'beta'],
      ['symbols', 1, 'beta'],
    ]);
    expect(simOptionsSchema.safeParse({ market: { path: 'jumps' } }).success).toBe(false);
  });
});
