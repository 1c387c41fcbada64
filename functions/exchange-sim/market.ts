// Synthetic market queries: klines of any interval aggregated from the
// generated trades (hourly summaries cached), and aggregate-trade paging.
import { type KlineInterval, alignUp, intervalOpenTime, nextOpenTime } from '../../shared/binance/intervals.ts';
import { CandleAcc, type CandleStats } from './aggregate.ts';
import { HOUR_MS, TradingCalendar } from './calendar.ts';
import { type AggTrade, type HourTrades, HourGenerator, lowerBound, summarize, toAggTrade, upperBound } from './hours.ts';
import { LruCache } from './lru.ts';
import type { SimConfig, SymbolConfig } from './options.ts';
import { MARKET_PATH_NAME, SymbolPricePath, type UnitPath, expectedCorrelation, unitPath } from './price-path.ts';

export type { AggTrade } from './hours.ts';

export interface Candle {
  openTime: number;
  closeTime: number;
  stats: CandleStats;
}

export interface KlineQuery {
  interval: KlineInterval;
  startTime?: number | undefined;
  endTime?: number | undefined;
  limit: number;
}

export interface AggTradeQuery {
  fromId?: number | undefined;
  startTime?: number | undefined;
  endTime?: number | undefined;
  limit: number;
}

const TRADE_CACHE_HOURS = 48;

export class SymbolMarket {
  readonly config: SymbolConfig;
  readonly calendar: TradingCalendar;
  private readonly generator: HourGenerator;
  private readonly trades = new LruCache<number, HourTrades>(TRADE_CACHE_HOURS);
  private readonly summaries: LruCache<number, CandleStats>;

  constructor(config: SymbolConfig, sim: SimConfig, marketPath: UnitPath) {
    this.config = config;
    const windows = sim.maintenance.filter((w) => w.symbol === undefined || w.symbol === config.symbol);
    this.calendar = new TradingCalendar(config.listedAt, windows);
    const path = new SymbolPricePath(sim.seed, config, sim.market, marketPath);
    this.generator = new HourGenerator(sim.seed, config, this.calendar, path);
    this.summaries = new LruCache(sim.summaryCacheSize);
  }

  hourTrades(h: number): HourTrades {
    return this.trades.getOrCreate(h, () => this.generator.generate(h));
  }

  hourSummary(h: number): CandleStats {
    return this.summaries.getOrCreate(h, () => summarize(this.hourTrades(h)));
  }

  /** Candle [open, next) built from trades up to `now`. */
  candle(open: number, next: number, now: number): Candle {
    const cal = this.calendar;
    const last = Math.min(next - 1, now);
    const acc = new CandleAcc();
    const hLast = cal.hourOf(last);
    for (let h = Math.max(0, cal.hourOf(open)); h <= hLast; h++) {
      h = cal.nextTradingHour(h);
      if (h > hLast) break;
      const start = cal.hourStart(h);
      if (start >= open && start + HOUR_MS - 1 <= last) {
        acc.addStats(this.hourSummary(h));
        continue;
      }
      const ht = this.hourTrades(h);
      const end = upperBound(ht.time, last);
      for (let i = lowerBound(ht.time, open); i < end; i++) {
        acc.addTrade(ht.price[i]!, ht.qty[i]!, ht.count[i]!, ht.buyerMaker[i] === 1);
      }
    }
    if (acc.aggTrades === 0) acc.flat(this.priceBefore(open));
    return { openTime: open, closeTime: next - 1, stats: acc.stats() };
  }

  /** Price (ticks) of the last trade strictly before t. */
  priceBefore(t: number): number {
    const cal = this.calendar;
    let h = cal.prevTradingHour(cal.hourOf(t - 1));
    while (h >= 0) {
      if (cal.hourStart(h) + HOUR_MS <= t) return this.hourSummary(h).close;
      const ht = this.hourTrades(h);
      const idx = lowerBound(ht.time, t) - 1;
      if (idx >= 0) return ht.price[idx]!;
      h = cal.prevTradingHour(h - 1);
    }
    return this.generator.modelTicks(cal.listedAt);
  }

  klines(q: KlineQuery, now: number): Candle[] {
    const { interval, limit } = q;
    const cal = this.calendar;
    if (now < cal.listedAt) return [];
    const first = intervalOpenTime(cal.listedAt, interval);
    let last = intervalOpenTime(now, interval);
    if (q.endTime !== undefined) last = Math.min(last, intervalOpenTime(q.endTime, interval));
    const out: Candle[] = [];
    if (q.startTime !== undefined) {
      let o = Math.max(first, alignUp(q.startTime, interval));
      while (o <= last && out.length < limit) {
        const next = nextOpenTime(o, interval);
        const w = cal.coveringWindow(o, next - 1);
        if (w) {
          const o2 = intervalOpenTime(w.to - 1, interval);
          const n2 = nextOpenTime(o2, interval);
          o = n2 === w.to ? n2 : o2;
          continue;
        }
        out.push(this.candle(o, next, now));
        o = next;
      }
      return out;
    }
    let o = last;
    while (o >= first && out.length < limit) {
      const next = nextOpenTime(o, interval);
      const w = cal.coveringWindow(o, next - 1);
      if (w) {
        const o2 = intervalOpenTime(w.from, interval);
        o = o2 === w.from ? intervalOpenTime(w.from - 1, interval) : o2;
        continue;
      }
      out.push(this.candle(o, next, now));
      o = intervalOpenTime(o - 1, interval);
    }
    return out.reverse();
  }

  aggTrades(q: AggTradeQuery, now: number): AggTrade[] {
    const cal = this.calendar;
    const maxT = Math.min(now, q.endTime ?? Infinity);
    const minT = q.startTime ?? -Infinity;
    if (maxT < cal.listedAt) return [];
    const out: AggTrade[] = [];
    if (q.fromId === undefined && q.startTime === undefined) {
      for (let h = cal.prevTradingHour(cal.hourOf(maxT)); h >= 0 && out.length < q.limit; ) {
        const ht = this.hourTrades(h);
        for (let i = upperBound(ht.time, maxT) - 1; i >= 0 && out.length < q.limit; i--) out.push(toAggTrade(ht, i));
        h = cal.prevTradingHour(h - 1);
      }
      return out.reverse();
    }
    let h = Math.max(0, cal.hourOf(minT));
    let i = -1;
    if (q.fromId !== undefined) {
      const n = this.config.tradesPerHour;
      const idHour = cal.hourForOrdinal(Math.floor(q.fromId / n));
      if (idHour >= h) {
        h = idHour;
        i = q.fromId % n;
      }
    }
    const hMax = cal.hourOf(maxT);
    for (h = cal.nextTradingHour(h); h <= hMax && out.length < q.limit; h = cal.nextTradingHour(h + 1)) {
      const ht = this.hourTrades(h);
      if (i < 0) i = lowerBound(ht.time, minT);
      for (; i < ht.n && out.length < q.limit; i++) {
        const t = ht.time[i]!;
        if (t > maxT) return out;
        if (t >= minT) out.push(toAggTrade(ht, i));
      }
      i = 0;
    }
    return out;
  }
}

export class SimMarket {
  readonly config: SimConfig;
  readonly symbols: ReadonlyMap<string, SymbolMarket>;

  constructor(config: SimConfig) {
    this.config = config;
    const marketPath = unitPath(config.market.path, config.seed, MARKET_PATH_NAME);
    this.symbols = new Map(config.symbols.map((s) => [s.symbol, new SymbolMarket(s, config, marketPath)]));
  }

  now(): number {
    return this.config.now();
  }

  symbol(name: string): SymbolMarket | undefined {
    return this.symbols.get(name);
  }

  /** The true correlation of two symbols' log returns that the market factor gives, at any horizon. */
  correlation(a: string, b: string): number {
    return expectedCorrelation(this.configOf(a), this.configOf(b), this.config.market);
  }

  private configOf(name: string): SymbolConfig {
    const found = this.symbols.get(name);
    if (!found) throw new Error(`unknown symbol ${name}`);
    return found.config;
  }

  /** True when `symbol` is inside a maintenance window at time t. */
  inMaintenance(symbol: string, t: number): boolean {
    return this.symbols.get(symbol)?.calendar.coveringWindow(t, t) !== undefined;
  }
}
