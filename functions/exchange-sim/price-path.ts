// A symbol's log price under one common market factor:
//   log p_s(t) = log startPrice_s + beta_s · σ_m · m(t) + σ_idio,s · idio_s(t),
// where m (one per simulator) and idio_s (one per symbol) are unit-volatility
// paths of the same shape, and σ_idio² = σ_s² − beta_s² · σ_m² keeps the
// symbol's configured volatility. Because both shapes are the same, returns of
// two symbols correlate by beta_a · beta_b · σ_m² / (σ_a · σ_b) at any horizon.
// 'cycles' steps outside the factor model: its wave is a pattern of a set size, and the sum of two
// triangle waves at different phases is no longer a triangle wave, so each symbol follows its own wave
// at full size and the market's path gets no weight; symbols relate only through their phases.
import { BrownianPath } from './brownian.ts';
import { CyclesPath } from './cycles.ts';
import type { MarketConfig, PathKind, SymbolConfig } from './options.ts';
import { mix, stringHash } from './random.ts';
import { SwingsPath } from './swings.ts';

/** A seeded path as a pure function of time (epoch ms): at unit annual volatility, or for 'cycles' in log-price units. */
export interface UnitPath {
  at(t: number): number;
}

/** Keys the market's path; lower case, so no symbol (upper case by schema) can share it. */
export const MARKET_PATH_NAME = 'market';

export function unitPath(kind: PathKind, seed: number, name: string): UnitPath {
  const key = mix(mix(0x5eed, seed), stringHash(name));
  switch (kind) {
    case 'swings':
      return new SwingsPath(key);
    case 'random-walk':
      return new BrownianPath(key);
    case 'cycles':
      return new CyclesPath(key);
  }
}

type FactorLoading = Pick<SymbolConfig, 'symbol' | 'annualVolatility' | 'beta'>;
type MarketShape = Pick<MarketConfig, 'annualVolatility' | 'path'>;

/** Volatility of the symbol's own path: what its configured volatility leaves after the market's share. */
export function idiosyncraticVolatility(config: FactorLoading, market: Pick<MarketConfig, 'annualVolatility'>): number {
  return Math.sqrt(Math.max(0, config.annualVolatility ** 2 - (config.beta * market.annualVolatility) ** 2));
}

/**
 * Correlation of the two symbols' log returns over any horizon, in expectation over seeds. On 'cycles'
 * that is 0: for one seed, two waves whose phases are a fraction d of a cycle apart (|d| <= 1/2) have
 * short-horizon returns correlated by 1 − 4|d|, which averages to 0 over independent uniform phases.
 */
export function expectedCorrelation(a: FactorLoading, b: FactorLoading, market: MarketShape): number {
  if (a.symbol === b.symbol) return 1;
  if (market.path === 'cycles') return 0;
  return (a.beta * b.beta * market.annualVolatility ** 2) / (a.annualVolatility * b.annualVolatility);
}

export class SymbolPricePath {
  private readonly base: number;
  private readonly marketPath: UnitPath;
  /** Weights of the market's path and the symbol's own: volatilities in the factor model, 0 and 1 on 'cycles'. */
  private readonly marketLoading: number;
  private readonly own: UnitPath;
  private readonly ownScale: number;

  constructor(seed: number, config: SymbolConfig, market: MarketConfig, marketPath: UnitPath) {
    this.base = Math.log(config.startPrice);
    this.marketPath = marketPath;
    const cycles = market.path === 'cycles';
    this.marketLoading = cycles ? 0 : config.beta * market.annualVolatility;
    this.own = unitPath(market.path, seed, config.symbol);
    this.ownScale = cycles ? 1 : idiosyncraticVolatility(config, market);
  }

  logPriceAt(t: number): number {
    const shared = this.marketLoading === 0 ? 0 : this.marketLoading * this.marketPath.at(t);
    return this.base + shared + this.ownScale * this.own.at(t);
  }
}
