// Performance metrics of a strategy over a series of simple per-period returns (0.01 = +1 %) and the
// number of periods in a year (crypto trades all year: 105,120 five-minute bars). The definitions follow
// empyrical's (quantopian/empyrical `stats.py`) so results compare with the Python tools analysts use,
// with two deliberate differences: maxDrawdown is a positive fraction, and a zero spread gives a finite
// ratio where that is meaningful. Returns are expected to be finite: unlike empyrical's nan-aware
// functions these do not skip NaN, so a gap in the data shows up as a NaN result instead of silently
// shortening the series; a period without a position is a return of 0, not NaN.

/** Neumaier's compensated sum: a year of 5m returns is 105,120 terms, and a naive sum loses digits. */
function stableSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const value of values) {
    const next = sum + value;
    compensation += Math.abs(sum) >= Math.abs(value) ? sum - next + value : value - next + sum;
    sum = next;
  }
  return sum + compensation;
}

const mean = (values: readonly number[]): number => stableSum(values) / values.length;

/**
 * Sample standard deviation (ddof = 1) by the corrected two-pass algorithm, which subtracts the rounding
 * left in the mean. A constant series is 0 exactly: a mean rounded by 1 ulp would otherwise leave a
 * spread of 1e-18 and turn "no risk" into an enormous finite ratio.
 */
function sampleStd(values: readonly number[]): number {
  if (values.every((value) => value === values[0])) return 0;
  const average = mean(values);
  const deviations = values.map((value) => value - average);
  const drift = stableSum(deviations);
  const squares = stableSum(deviations.map((d) => d * d));
  return Math.sqrt(Math.max(0, (squares - (drift * drift) / values.length) / (values.length - 1)));
}

/** A ratio whose denominator is 0: ±Infinity for a non-zero numerator (as empyrical), 0 for 0/0 (empyrical: NaN). */
function ratio(numerator: number, denominator: number): number {
  if (denominator !== 0) return numerator / denominator;
  if (numerator === 0) return 0;
  return numerator > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
}

/**
 * Annualized Sharpe ratio: mean / sample std of the excess returns, times √periodsPerYear. `riskFree` is
 * an annual rate, spread evenly as riskFree / periodsPerYear per period (simple, not compounded: at the
 * rates and period lengths used here the two differ by far less than the estimate's own error).
 * NaN for fewer than 2 returns; a constant series gives ±Infinity, or 0 when its excess return is 0.
 */
export function sharpe(returns: readonly number[], periodsPerYear: number, riskFree = 0): number {
  if (returns.length < 2) return Number.NaN;
  const riskFreePerPeriod = riskFree / periodsPerYear;
  const excess = returns.map((r) => r - riskFreePerPeriod);
  return ratio(mean(excess), sampleStd(excess)) * Math.sqrt(periodsPerYear);
}

/**
 * Annualized downside risk, as empyrical's `downside_risk`: √mean(min(r − target, 0)²) × √periodsPerYear,
 * the mean taken over every period (those above the target count as 0). `target` is per period.
 * NaN for no returns.
 */
export function downsideDeviation(returns: readonly number[], periodsPerYear: number, target = 0): number {
  if (returns.length === 0) return Number.NaN;
  const shortfalls = returns.map((r) => Math.min(r - target, 0) ** 2);
  return Math.sqrt(mean(shortfalls)) * Math.sqrt(periodsPerYear);
}

/**
 * Annualized Sortino ratio, as empyrical's `sortino_ratio`: mean(r − target) × periodsPerYear over
 * downsideDeviation. `target` is per period. NaN for fewer than 2 returns; Infinity when nothing falls
 * below the target and the mean excess is positive, 0 when nothing falls below it and the mean is 0.
 */
export function sortino(returns: readonly number[], periodsPerYear: number, target = 0): number {
  if (returns.length < 2) return Number.NaN;
  const annualExcess = mean(returns.map((r) => r - target)) * periodsPerYear;
  return ratio(annualExcess, downsideDeviation(returns, periodsPerYear, target));
}

/**
 * The largest peak-to-trough fall of the compounded equity curve, which starts at 1 before the first
 * return, as a positive fraction of the peak (0.25: a 25 % fall). empyrical returns the same number
 * negated; positive reads naturally in reports and limits ("max drawdown under 20 %"). 0 when equity
 * never falls below an earlier peak, NaN for no returns (as empyrical).
 */
export function maxDrawdown(returns: readonly number[]): number {
  if (returns.length === 0) return Number.NaN;
  let equity = 1;
  let peak = 1;
  let deepest = 0;
  for (const r of returns) {
    equity *= 1 + r;
    if (equity > peak) peak = equity;
    else deepest = Math.max(deepest, (peak - equity) / peak);
  }
  return deepest;
}

/** Sample standard deviation (ddof = 1) × √periodsPerYear; NaN for fewer than 2 returns. */
export function annualVolatility(returns: readonly number[], periodsPerYear: number): number {
  if (returns.length < 2) return Number.NaN;
  return sampleStd(returns) * Math.sqrt(periodsPerYear);
}

/** ∏(1 + r) − 1; 0 for no returns (nothing was compounded). */
export function totalReturn(returns: readonly number[]): number {
  let growth = 1;
  for (const r of returns) growth *= 1 + r;
  return growth - 1;
}

/**
 * Compound annual growth rate: (∏(1 + r))^(periodsPerYear / n) − 1. NaN for no returns (as empyrical);
 * −1 once equity reaches 0 or below, where no real growth rate exists (empyrical: NaN below 0).
 */
export function cagr(returns: readonly number[], periodsPerYear: number): number {
  if (returns.length === 0) return Number.NaN;
  const growth = totalReturn(returns) + 1;
  if (growth <= 0) return -1;
  return growth ** (periodsPerYear / returns.length) - 1;
}

/**
 * Annual turnover of a position given as the share of equity held in the asset each period (0..1):
 * Σ|w_t − w_{t−1}| with w_{−1} = 0 (so entering counts), averaged per period and times periodsPerYear.
 * 2 means the position was bought and sold in full about once a year. 0 for no periods.
 */
export function turnover(weights: readonly number[], periodsPerYear: number): number {
  if (weights.length === 0) return 0;
  const changes = weights.map((w, i) => Math.abs(w - (i === 0 ? 0 : weights[i - 1]!)));
  return (stableSum(changes) / weights.length) * periodsPerYear;
}

/**
 * Share of strictly positive outcomes (e.g. P&L of closed round trips) among those that are not 0;
 * a break-even trade is neither a hit nor a miss, and NaN counts as neither. 0 when none remain.
 */
export function hitRate(outcomes: readonly number[]): number {
  let decided = 0;
  let hits = 0;
  for (const outcome of outcomes) {
    if (outcome > 0) hits++;
    if (outcome > 0 || outcome < 0) decided++;
  }
  return decided === 0 ? 0 : hits / decided;
}
