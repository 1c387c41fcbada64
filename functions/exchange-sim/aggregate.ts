// Exact OHLCV accumulation in integer units (price in ticks, quantity in
// steps, quote in tick*step units) and 8-decimal formatting.

export interface CandleStats {
  /** Aggregate trades included. */
  aggTrades: number;
  /** Underlying trades included (sum of l - f + 1). */
  trades: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  takerVolume: number;
  quote: bigint;
  takerQuote: bigint;
}

const FLUSH_AT = 2 ** 52;

export class CandleAcc {
  aggTrades = 0;
  trades = 0;
  open = 0;
  high = 0;
  low = 0;
  close = 0;
  volume = 0;
  takerVolume = 0;
  private quoteSmall = 0;
  private quoteBig = 0n;
  private takerSmall = 0;
  private takerBig = 0n;

  addTrade(price: number, qty: number, count: number, buyerMaker: boolean): void {
    if (this.aggTrades === 0) {
      this.open = price;
      this.high = price;
      this.low = price;
    } else {
      if (price > this.high) this.high = price;
      if (price < this.low) this.low = price;
    }
    this.close = price;
    this.aggTrades++;
    this.trades += count;
    this.volume += qty;
    let notional = price * qty;
    if (notional >= FLUSH_AT) {
      this.quoteBig += BigInt(price) * BigInt(qty);
      if (!buyerMaker) this.takerBig += BigInt(price) * BigInt(qty);
      notional = 0;
    }
    this.quoteSmall += notional;
    if (this.quoteSmall >= FLUSH_AT) this.flushQuote();
    if (!buyerMaker) {
      this.takerVolume += qty;
      this.takerSmall += notional;
      if (this.takerSmall >= FLUSH_AT) this.flushTaker();
    }
  }

  addStats(s: CandleStats): void {
    if (s.aggTrades === 0) return;
    if (this.aggTrades === 0) {
      this.open = s.open;
      this.high = s.high;
      this.low = s.low;
    } else {
      if (s.high > this.high) this.high = s.high;
      if (s.low < this.low) this.low = s.low;
    }
    this.close = s.close;
    this.aggTrades += s.aggTrades;
    this.trades += s.trades;
    this.volume += s.volume;
    this.takerVolume += s.takerVolume;
    this.quoteBig += s.quote;
    this.takerBig += s.takerQuote;
  }

  /** Flat candle at `price` for intervals without trades. */
  flat(price: number): void {
    this.open = price;
    this.high = price;
    this.low = price;
    this.close = price;
  }

  private flushQuote(): void {
    this.quoteBig += BigInt(this.quoteSmall);
    this.quoteSmall = 0;
  }

  private flushTaker(): void {
    this.takerBig += BigInt(this.takerSmall);
    this.takerSmall = 0;
  }

  stats(): CandleStats {
    this.flushQuote();
    this.flushTaker();
    return {
      aggTrades: this.aggTrades,
      trades: this.trades,
      open: this.open,
      high: this.high,
      low: this.low,
      close: this.close,
      volume: this.volume,
      takerVolume: this.takerVolume,
      quote: this.quoteBig,
      takerQuote: this.takerBig,
    };
  }
}

/** Formats an integer amount of 1e-8 units as a decimal with 8 places. */
export function format8(units: number | bigint): string {
  const big = typeof units === 'bigint' ? units : BigInt(units);
  const neg = big < 0n;
  const digits = (neg ? -big : big).toString().padStart(9, '0');
  return `${neg ? '-' : ''}${digits.slice(0, -8)}.${digits.slice(-8)}`;
}

/** Formats `count` increments of a size given in 1e-8 units. */
export function formatScaled(count: number, sizeUnits: number): string {
  const units = count * sizeUnits;
  return format8(Number.isSafeInteger(units) ? units : BigInt(count) * BigInt(sizeUnits));
}

/** Formats a tick*step product sum as a quote amount (truncated to 8 places). */
export function formatQuote(sum: bigint, tickUnits: number, stepUnits: number): string {
  return format8((sum * BigInt(tickUnits) * BigInt(stepUnits)) / 100_000_000n);
}
