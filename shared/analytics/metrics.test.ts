// Performance metrics against values worked out by hand, then against empyrical's published reference
// values for the same input series.
import { describe, expect, it } from 'vitest';
import { annualVolatility, cagr, downsideDeviation, hitRate, maxDrawdown, sharpe, sortino, totalReturn, turnover } from './metrics.ts';

/** Equal to 1e-10 relative (absolute near 0); infinities and NaN must match exactly. */
function expectClose(actual: number, expected: number, label?: string): void {
  if (!Number.isFinite(expected)) {
    expect(actual, label).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected), label).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(expected)));
}

describe('metrics worked out by hand', () => {
  // r = [+2 %, +2 %, +2 %, −2 %], 16 periods a year (√16 = 4).
  //   mean = 0.04 / 4 = 0.01; deviations +0.01, +0.01, +0.01, −0.03
  //   sample variance = (3 × 0.0001 + 0.0009) / (4 − 1) = 0.0004, std = 0.02
  const returns = [0.02, 0.02, 0.02, -0.02];
  const periodsPerYear = 16;

  it('annualizes the sample standard deviation', () => {
    // 0.02 × 4
    expectClose(annualVolatility(returns, periodsPerYear), 0.08);
  });

  it('gives the Sharpe ratio, with an annual risk-free rate spread over the periods', () => {
    // 0.01 / 0.02 × 4
    expectClose(sharpe(returns, periodsPerYear), 2);
    // 8 % a year is 0.08 / 16 = 0.005 a period: (0.01 − 0.005) / 0.02 × 4
    expectClose(sharpe(returns, periodsPerYear, 0.08), 1);
  });

  it('gives the downside deviation and the Sortino ratio', () => {
    // min(r, 0)² = 0, 0, 0, 0.0004; mean over all four = 0.0001; √ = 0.01; × 4
    expectClose(downsideDeviation(returns, periodsPerYear), 0.04);
    // 0.01 × 16 / 0.04
    expectClose(sortino(returns, periodsPerYear), 4);
    // target 1 %: r − t = 0.01, 0.01, 0.01, −0.03; shortfall² mean = 0.0009 / 4; √ = 0.015; × 4 = 0.06
    expectClose(downsideDeviation(returns, periodsPerYear, 0.01), 0.06);
    // mean(r − t) = 0, so the ratio is 0
    expectClose(sortino(returns, periodsPerYear, 0.01), 0);
  });

  it('compounds the total return and the annual growth rate', () => {
    // 1.02³ × 0.98 − 1 = 1.061208 × 0.98 − 1
    expectClose(totalReturn(returns), 0.03998384);
    // Two periods of +10 %: 1.21 in total; in a year of 2 periods that is the CAGR itself
    expectClose(cagr([0.1, 0.1], 2), 0.21);
    // ... in a year of 1 period: √1.21 − 1; in a year of 4: 1.21² − 1
    expectClose(cagr([0.1, 0.1], 1), 0.1);
    expectClose(cagr([0.1, 0.1], 4), 0.4641);
    // A total loss has no growth rate to speak of beyond −100 %
    expect(cagr([0.5, -1], 252)).toBe(-1);
  });

  it('measures the deepest fall from a running peak, as a positive fraction', () => {
    // equity 1.25, 1.00, 0.75, 1.20, 0.60: the peak 1.25 holds through the partial recovery to 1.20,
    // so the deepest fall is (1.25 − 0.60) / 1.25 = 0.52, not (1.20 − 0.60) / 1.20 = 0.5
    expectClose(maxDrawdown([0.25, -0.2, -0.25, 0.6, -0.5]), 0.52);
    // Equity starts at 1 before the first return: 0.8 is a 20 % fall from it
    expectClose(maxDrawdown([-0.2, 0.1]), 0.2);
    expect(maxDrawdown([0.01, 0.02, 0])).toBe(0);
  });

  it('counts turnover from a flat start', () => {
    // |0.5 − 0| + |0.5 − 0.5| + |1 − 0.5| + |0 − 1| + |0 − 0| = 2 over 5 periods = 0.4 a period; × 10
    expectClose(turnover([0.5, 0.5, 1, 0, 0], 10), 4);
    expect(turnover([1, 1, 1], 252)).toBeCloseTo(252 / 3, 12);
  });

  it('counts hits among the decided outcomes', () => {
    // non-zero: 10, −5, 3, −1, 7 → 3 hits of 5; break-even trades count as neither
    expect(hitRate([10, -5, 0, 3, -1, 0, 7])).toBe(0.6);
    expect(hitRate([0, 0])).toBe(0);
    expect(hitRate([])).toBe(0);
  });

  it('handles empty and too-short input without throwing', () => {
    for (const empty of [[], [0.01]]) {
      expect(sharpe(empty, 252)).toBeNaN();
      expect(sortino(empty, 252)).toBeNaN();
      expect(annualVolatility(empty, 252)).toBeNaN();
    }
    expect(downsideDeviation([], 252)).toBeNaN();
    expect(maxDrawdown([])).toBeNaN();
    expect(cagr([], 252)).toBeNaN();
    expect(totalReturn([])).toBe(0);
    expect(turnover([], 252)).toBe(0);
  });

  it('keeps a zero spread finite where the ratio has a sign to give', () => {
    expect(sharpe([0, 0, 0], 252)).toBe(0);
    expect(sharpe([-0.01, -0.01], 252)).toBe(Number.NEGATIVE_INFINITY);
    expect(sortino([0, 0, 0], 252)).toBe(0);
  });

  it('stays exact on a long series where a naive sum drifts', () => {
    // A year of 5m bars alternating +0.1 % and −0.1 % around a mean of exactly 1e-5
    const alternating = Array.from({ length: 105_120 }, (_, i) => 1e-5 + (i % 2 === 0 ? 0.001 : -0.001));
    // n even: mean 1e-5; Σd² = n × 1e-6, so std = √(n × 1e-6 / (n − 1))
    const std = Math.sqrt((105_120 * 1e-6) / 105_119);
    expectClose(sharpe(alternating, 105_120), (1e-5 / std) * Math.sqrt(105_120));
  });
});

// Reference: empyrical 0.5.5 (quantopian/empyrical), file empyrical/tests/test_stats.py, class TestStats:
// the input series below are its fixtures and the expected values are the literals of its parametrized
// tests test_max_drawdown, test_annual_volatility, test_sharpe_ratio, test_downside_risk, test_sortino,
// test_annual_ret and test_cagr (period DAILY = 252, WEEKLY = 52, MONTHLY = 12; required_return and
// risk_free 0 unless noted). Where a test states its expectation as an expression
// (max_drawdown of negative_returns and all_negative_returns = cum_returns_final of the series), the value
// was computed with empyrical 0.5.5 on NumPy 2.4.6 (`empyrical.max_drawdown(np.array(series))`), as were
// the checks of every literal here. empyrical's max_drawdown is negative: ours is the same number, positive.
//
// mixed_returns starts with a NaN. empyrical's moment-based functions (nanmean/nanstd: sharpe,
// annual_volatility, downside_risk, sortino) skip it, while its compounding ones (cum_returns: max_drawdown,
// annual_return, cagr) count it as a period with return 0. Our functions take no NaN, so each is given the
// series empyrical effectively used: the eight values for the former, the NaN as 0 for the latter (which
// is also empyrical's weekly_returns/monthly_returns series, re-indexed).
const empyrical = {
  simpleBenchmark: [0, 1, 0, 1, 0, 1, 0, 1, 0].map((x) => x / 100),
  positive: [1, 2, 1, 1, 1, 1, 1, 1, 1].map((x) => x / 100),
  negative: [0, -6, -7, -1, -9, -2, -6, -8, -5].map((x) => x / 100),
  allNegative: [-2, -6, -7, -1, -9, -2, -6, -8, -5].map((x) => x / 100),
  mixedWithoutNaN: [1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100),
  mixedNaNAsZero: [0, 1, 10, -4, 2, 3, 2, 1, -10].map((x) => x / 100),
  flatLine1: Array<number>(9).fill(0.01),
  flatLine1Long: Array<number>(1000).fill(0.01),
  oneReturn: [0.01],
  // df_simple's two columns (test_downside_risk, test_sortino)
  one: [-0.00171614, 0.01322056, 0.03063862, -0.01422057, -0.00489779, 0.01268925, -0.03357711, 0.01797036],
  two: [0.01846232, 0.00793951, -0.01448395, 0.00422537, -0.00339611, 0.03756813, 0.0151531, 0.03549769],
};
const DAILY = 252;
const WEEKLY = 52;
const MONTHLY = 12;

describe('metrics against empyrical 0.5.5', () => {
  it('max_drawdown, sign flipped', () => {
    expectClose(maxDrawdown(empyrical.oneReturn), 0);
    expectClose(maxDrawdown(empyrical.simpleBenchmark), 0);
    expectClose(maxDrawdown(empyrical.mixedNaNAsZero), 0.1);
    expectClose(maxDrawdown(empyrical.positive), 0);
    expectClose(maxDrawdown(empyrical.negative), 0.365907303498736);
    expectClose(maxDrawdown(empyrical.allNegative), 0.3785891574287616);
    expectClose(maxDrawdown([0.1, -0.1, 0.1]), 0.1);
    expect(maxDrawdown([])).toBeNaN();
  });

  it('annual_volatility', () => {
    expectClose(annualVolatility(empyrical.flatLine1Long, DAILY), 0);
    expectClose(annualVolatility(empyrical.mixedWithoutNaN, DAILY), 0.9136465399704637);
    expectClose(annualVolatility(empyrical.mixedNaNAsZero, WEEKLY), 0.38851569394870583);
    expectClose(annualVolatility(empyrical.mixedNaNAsZero, MONTHLY), 0.18663690238892558);
  });

  it('sharpe_ratio', () => {
    expect(sharpe([], DAILY)).toBeNaN();
    expect(sharpe(empyrical.oneReturn, DAILY)).toBeNaN();
    expectClose(sharpe(empyrical.mixedWithoutNaN, DAILY), 1.7238613961706866);
    expectClose(sharpe(empyrical.positive, DAILY), 52.915026221291804);
    expectClose(sharpe(empyrical.negative, DAILY), -24.406808633910085);
    expect(sharpe(empyrical.flatLine1, DAILY)).toBe(Number.POSITIVE_INFINITY);
  });

  it('downside_risk', () => {
    expect(downsideDeviation([], DAILY)).toBeNaN();
    expectClose(downsideDeviation(empyrical.oneReturn, DAILY), 0);
    expectClose(downsideDeviation(empyrical.mixedWithoutNaN, DAILY), 0.60448325038829653);
    expectClose(downsideDeviation(empyrical.mixedWithoutNaN, DAILY, 0.1), 1.7161730681956295);
    expectClose(downsideDeviation(empyrical.mixedNaNAsZero, WEEKLY), 0.25888650451930134);
    expectClose(downsideDeviation(empyrical.mixedNaNAsZero, WEEKLY, 0.1), 0.7733045971672482);
    expectClose(downsideDeviation(empyrical.mixedNaNAsZero, MONTHLY), 0.1243650540411842);
    expectClose(downsideDeviation(empyrical.mixedNaNAsZero, MONTHLY, 0.1), 0.37148351242013422);
    expectClose(downsideDeviation(empyrical.one, DAILY), 0.20671788246185202);
    expectClose(downsideDeviation(empyrical.two, DAILY), 0.083495680595704475);
  });

  it('sortino_ratio', () => {
    expect(sortino([], DAILY)).toBeNaN();
    expect(sortino(empyrical.oneReturn, DAILY)).toBeNaN();
    expectClose(sortino(empyrical.mixedWithoutNaN, DAILY), 2.605531251673693);
    // required_return = flat_line_1, a constant 1 % a period
    expectClose(sortino(empyrical.mixedWithoutNaN, DAILY, 0.01), -1.3934779588919977);
    expect(sortino(empyrical.positive, DAILY)).toBe(Number.POSITIVE_INFINITY);
    expectClose(sortino(empyrical.negative, DAILY), -13.532743075043401);
    expect(sortino(empyrical.simpleBenchmark, DAILY)).toBe(Number.POSITIVE_INFINITY);
    expectClose(sortino(empyrical.mixedNaNAsZero, WEEKLY), 1.1158901056866439);
    expectClose(sortino(empyrical.mixedNaNAsZero, MONTHLY), 0.53605626741889756);
    expectClose(sortino(empyrical.one, DAILY), 3.0639640966566306);
    expectClose(sortino(empyrical.two, DAILY), 38.090963117002495);
  });

  it('annual_return and cagr', () => {
    expect(cagr([], DAILY)).toBeNaN();
    expectClose(cagr(empyrical.oneReturn, DAILY), 11.274002099240244);
    expectClose(cagr(empyrical.mixedNaNAsZero, DAILY), 1.9135925373194231);
    expectClose(cagr(empyrical.flatLine1Long, DAILY), 11.274002099240256);
    expectClose(cagr([0.03, 0.03, 0.03], 1), 0.03);
    expectClose(cagr(empyrical.mixedNaNAsZero, WEEKLY), 0.24690830513998208);
    expectClose(cagr(empyrical.mixedNaNAsZero, MONTHLY), 0.052242061386048144);
  });
});
