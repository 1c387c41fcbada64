// Streaming technical indicators: RSI (Wilder, TA-Lib seeding), VWAP (UTC-day anchored and rolling), realized volatility.

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

/** Closes RSI(14) needs before its first value: 14 changes. */
export const RSI_WARMUP_BARS = 15;

/** Wilder's RSI; the first value appears after `period` changes, seeded with their simple averages as TA-Lib does. */
export class Rsi {
  private readonly period: number;
  private previous: number | undefined;
  private count = 0;
  private gains = 0;
  private losses = 0;

  constructor(period = 14) {
    this.period = period;
  }

  next(close: number): number | null {
    const previous = this.previous;
    this.previous = close;
    if (previous === undefined) return null;
    const change = close - previous;
    const gain = Math.max(change, 0);
    const loss = Math.max(-change, 0);
    this.count++;
    if (this.count <= this.period) {
      this.gains += gain / this.period;
      this.losses += loss / this.period;
      if (this.count < this.period) return null;
    } else {
      this.gains = (this.gains * (this.period - 1) + gain) / this.period;
      this.losses = (this.losses * (this.period - 1) + loss) / this.period;
    }
    if (this.losses === 0) return this.gains === 0 ? 50 : 100;
    return 100 - 100 / (1 + this.gains / this.losses);
  }

  /** What `next(close)` would give, without advancing: the value of a bar that is still open. */
  peek(close: number): number | null {
    const { previous, count, gains, losses } = this;
    const value = this.next(close);
    Object.assign(this, { previous, count, gains, losses });
    return value;
  }
}

const typicalPrice = (bar: { high: number; low: number; close: number }) => (bar.high + bar.low + bar.close) / 3;

/** VWAP of typical price, cumulated from the start of each UTC day. */
export class AnchoredVwap {
  private day = Number.NaN;
  private priceVolume = 0;
  private volume = 0;

  next(bar: { open_time: number; high: number; low: number; close: number; volume: number }): number | null {
    const day = Math.floor(bar.open_time / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.priceVolume = 0;
      this.volume = 0;
    }
    this.priceVolume += typicalPrice(bar) * bar.volume;
    this.volume += bar.volume;
    return this.volume > 0 ? this.priceVolume / this.volume : null;
  }

  /** What `next(bar)` would give, without advancing: the value of a bar that is still open. */
  peek(bar: { open_time: number; high: number; low: number; close: number; volume: number }): number | null {
    const { day, priceVolume, volume } = this;
    const value = this.next(bar);
    Object.assign(this, { day, priceVolume, volume });
    return value;
  }
}

/** VWAP of typical price over the last `bars` bars. */
export class RollingVwap {
  private readonly window: { pv: number; v: number }[] = [];
  private readonly bars: number;

  constructor(bars: number) {
    this.bars = bars;
  }

  next(bar: { high: number; low: number; close: number; volume: number }): number | null {
    this.window.push({ pv: typicalPrice(bar) * bar.volume, v: bar.volume });
    if (this.window.length > this.bars) this.window.shift();
    const v = this.window.reduce((sum, item) => sum + item.v, 0);
    return v > 0 ? this.window.reduce((sum, item) => sum + item.pv, 0) / v : null;
  }
}

/** Sample standard deviation of the last `bars` log returns, annualized by bars per year. */
export class RealizedVolatility {
  private readonly returns: number[] = [];
  private previous: number | undefined;
  private readonly bars: number;
  private readonly annualization: number;

  constructor(bars: number, barsPerYear: number) {
    this.bars = bars;
    this.annualization = Math.sqrt(barsPerYear);
  }

  next(close: number): number | null {
    const previous = this.previous;
    this.previous = close;
    if (previous === undefined) return null;
    this.returns.push(Math.log(close / previous));
    if (this.returns.length > this.bars) this.returns.shift();
    if (this.returns.length < this.bars) return null;
    const mean = this.returns.reduce((a, b) => a + b, 0) / this.returns.length;
    const variance = this.returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (this.returns.length - 1);
    return Math.sqrt(variance) * this.annualization;
  }
}

/** 525,600 one-minute bars, 105,120 five-minute bars: crypto trades all year. */
export function barsPerYear(intervalMs: number): number {
  return YEAR_MS / intervalMs;
}

export interface CandleIndicators {
  readonly rsi_14: number | null;
  readonly vwap: number | null;
  readonly volatility_30: number | null;
}

/** The indicators the persister stores on every candle, fed in open-time order. */
export class CandleIndicatorState {
  private readonly rsi = new Rsi(14);
  private readonly vwap = new AnchoredVwap();
  private readonly volatility: RealizedVolatility;

  constructor(intervalMs: number) {
    this.volatility = new RealizedVolatility(30, barsPerYear(intervalMs));
  }

  next(bar: { open_time: number; high: number; low: number; close: number; volume: number }): CandleIndicators {
    return { rsi_14: this.rsi.next(bar.close), vwap: this.vwap.next(bar), volatility_30: this.volatility.next(bar.close) };
  }
}
