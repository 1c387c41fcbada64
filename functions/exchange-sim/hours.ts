// Stateless generation of one symbol-hour of aggregate trades from
// (seed, symbol, hour index): sorted timestamps, prices around the symbol's
// price path, sizes, sides and contiguous trade-id ranges.
import { CandleAcc, type CandleStats } from './aggregate.ts';
import { HOUR_MS, type TradingCalendar } from './calendar.ts';
import type { SymbolConfig } from './options.ts';
import type { SymbolPricePath } from './price-path.ts';
import { mix, normalQuantile, randomWords, stringHash } from './random.ts';

/** Underlying trades per aggregate trade, on average (exactly, per hour). */
const TRADES_PER_AGG = 2;

const MINUTE_MS = 60_000;
/** Out of 256: chance that a trade shares the previous trade's millisecond. */
const BURST_THRESHOLD = 13;
const MEDIAN_NOTIONAL = 250;
/** Standard exponential quantiles at 1025 points, interpolated by the low bits. */
const EXP_QUANTILES = Float64Array.from({ length: 1025 }, (_, k) => -Math.log(1 - Math.min(k, 1023.5) / 1024));

function exponential(bits: number): number {
  const k = bits >>> 22;
  const a = EXP_QUANTILES[k]!;
  return a + (EXP_QUANTILES[k + 1]! - a) * ((bits & 0x3fffff) / 4194304);
}

/** Log-normal trade notionals (sigma 1.3) at 1024 quantiles. */
const NOTIONAL_QUANTILES = Float64Array.from({ length: 1024 }, (_, k) => MEDIAN_NOTIONAL * Math.exp(1.3 * normalQuantile((k + 0.5) / 1024)));

export interface HourTrades {
  hour: number;
  n: number;
  firstAggId: number;
  time: Float64Array;
  /** Price in ticks. */
  price: Float64Array;
  /** Quantity in steps. */
  qty: Float64Array;
  /** First underlying trade id (f); l = f + count - 1. */
  firstTradeId: Float64Array;
  count: Uint8Array;
  buyerMaker: Uint8Array;
}

export interface AggTrade {
  a: number;
  /** Price in ticks. */
  p: number;
  /** Quantity in steps. */
  q: number;
  f: number;
  l: number;
  T: number;
  m: boolean;
}

export class HourGenerator {
  readonly config: SymbolConfig;
  readonly calendar: TradingCalendar;
  readonly path: SymbolPricePath;
  private readonly key: number;
  private readonly microVol: number;

  constructor(seed: number, config: SymbolConfig, calendar: TradingCalendar, path: SymbolPricePath) {
    this.config = config;
    this.calendar = calendar;
    this.path = path;
    this.key = mix(mix(0x7ade5, seed), stringHash(config.symbol));
    this.microVol = 0.25 * config.annualVolatility * Math.sqrt(20_000 / (365 * 86_400_000));
  }

  /** Model price in ticks at time t (used before the first trade exists). */
  modelTicks(t: number): number {
    return Math.max(1, Math.round((Math.exp(this.path.logPriceAt(t)) * 1e8) / this.config.tickSize));
  }

  generate(h: number): HourTrades {
    const n = this.config.tradesPerHour;
    const words = randomWords(mix(this.key, h), 4 * n + 1);
    let w = 0;
    const start = this.calendar.hourStart(h);
    const segments = this.calendar.openSegments(start, start + HOUR_MS);
    let available = 0;
    for (const s of segments) available += s.to - s.from;
    if (available === 0) throw new Error(`hour ${h} of ${this.config.symbol} is closed for maintenance`);

    // Sorted uniform offsets via normalised exponential spacings.
    const time = new Float64Array(n);
    let acc = 0;
    for (let i = 0; i < n; i++) {
      acc += exponential(words[w++]!);
      time[i] = acc;
    }
    const scale = available / (acc + exponential(words[w++]!));
    let seg = 0;
    let segOffset = 0;
    for (let i = 0; i < n; i++) {
      const off = Math.floor(time[i]! * scale);
      while (off - segOffset >= segments[seg]!.to - segments[seg]!.from) {
        segOffset += segments[seg]!.to - segments[seg]!.from;
        seg++;
      }
      time[i] = segments[seg]!.from + off - segOffset;
    }

    const knots = new Float64Array(61);
    for (let j = 0; j <= 60; j++) knots[j] = Math.exp(this.path.logPriceAt(start + j * MINUTE_MS));

    const perTick = 1e8 / this.config.tickSize;
    const perStep = 1e8 / this.config.stepSize;
    const price = new Float64Array(n);
    const qty = new Float64Array(n);
    const count = new Uint8Array(n);
    const buyerMaker = new Uint8Array(n);
    const noise = (this.microVol * 2.449) / 65536;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const bits = words[w++]!;
      if (i > 0 && (bits & 0xff) < BURST_THRESHOLD) time[i] = time[i - 1]!;
      const pos = (time[i]! - start) / MINUTE_MS;
      const j = Math.min(59, Math.floor(pos));
      const a = knots[j]!;
      const r = words[w++]!;
      const px = (a + (knots[j + 1]! - a) * (pos - j)) * (1 + noise * ((r & 0xffff) + (r >>> 16) - 65535));
      const ticks = Math.max(1, Math.round(px * perTick));
      price[i] = ticks;
      const notional = NOTIONAL_QUANTILES[words[w++]! >>> 22]!;
      qty[i] = Math.max(1, Math.round((notional / px) * perStep));
      const makerOdds = i === 0 || ticks === prev ? 128 : ticks > prev ? 51 : 205;
      buyerMaker[i] = ((bits >>> 8) & 0xff) < makerOdds ? 1 : 0;
      if ((i & 1) === 1) {
        const c = (bits >>> 16) & 0xff;
        count[i - 1] = c < 154 ? 2 : c < 205 ? 1 : 3;
        count[i] = 4 - count[i - 1]!;
      }
      prev = ticks;
    }
    if (n % 2 === 1) count[n - 1] = 2;

    const ordinal = this.calendar.ordinal(h);
    const firstTradeId = new Float64Array(n);
    let f = ordinal * n * TRADES_PER_AGG;
    for (let i = 0; i < n; i++) {
      firstTradeId[i] = f;
      f += count[i]!;
    }
    return { hour: h, n, firstAggId: ordinal * n, time, price, qty, firstTradeId, count, buyerMaker };
  }
}

export function summarize(ht: HourTrades): CandleStats {
  const acc = new CandleAcc();
  for (let i = 0; i < ht.n; i++) acc.addTrade(ht.price[i]!, ht.qty[i]!, ht.count[i]!, ht.buyerMaker[i] === 1);
  return acc.stats();
}

/** Index of the first element >= t. */
export function lowerBound(arr: Float64Array, t: number): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > t. */
export function upperBound(arr: Float64Array, t: number): number {
  return lowerBound(arr, t + 1);
}

export function toAggTrade(ht: HourTrades, i: number): AggTrade {
  const f = ht.firstTradeId[i]!;
  return {
    a: ht.firstAggId + i,
    p: ht.price[i]!,
    q: ht.qty[i]!,
    f,
    l: f + ht.count[i]! - 1,
    T: ht.time[i]!,
    m: ht.buyerMaker[i] === 1,
  };
}
