// The live trade tape of one symbol: exactly the aggregate trades the REST API serves for it, handed to
// listeners in id order, none skipped and none repeated, as the simulator clock passes each trade's time.
// A timer is set to the next trade's due time; every trade already due goes out in one batch.
import { type AggTrade, type HourTrades, toAggTrade, upperBound } from '../hours.ts';
import type { SymbolMarket } from '../market.ts';
import { DueTimer, type SimClock } from './due-timer.ts';

export type TradeListener = (trades: readonly AggTrade[]) => void;

/** Trades handed out at most per batch, so a jump of the clock cannot block the process for long. */
const MAX_BATCH = 10_000;

export class TradeFeed {
  private readonly listeners = new Set<TradeListener>();
  private readonly market: SymbolMarket;
  private readonly clock: SimClock;
  private readonly timer: DueTimer;
  private hour = 0;
  private index = 0;
  private trades: HourTrades | undefined;
  private delivered = 0;

  constructor(market: SymbolMarket, clock: SimClock) {
    this.market = market;
    this.clock = clock;
    this.timer = new DueTimer(clock, () => this.pump());
  }

  /** Simulator time up to which every trade has been handed out. */
  get deliveredUpTo(): number {
    return this.delivered;
  }

  /** Adds a listener; the first one starts the tape at the current time. Returns the removal. */
  listen(listener: TradeListener): () => void {
    if (this.listeners.size === 0) this.seek(this.clock.now());
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.timer.cancel();
        this.trades = undefined;
      }
    };
  }

  /** Hands out every trade due by now, then waits for the next one. */
  pump(): void {
    if (this.trades === undefined) return;
    const now = this.clock.now();
    const batch: AggTrade[] = [];
    let ht = this.current();
    while (ht.time[this.index]! <= now && batch.length < MAX_BATCH) {
      batch.push(toAggTrade(ht, this.index++));
      ht = this.current();
    }
    const next = ht.time[this.index]!;
    this.delivered = Math.min(now, next - 1);
    if (batch.length > 0) for (const listener of [...this.listeners]) listener(batch);
    if (this.trades !== undefined) this.timer.at(next <= now ? undefined : next);
  }

  private seek(now: number): void {
    const cal = this.market.calendar;
    this.hour = cal.nextTradingHour(Math.max(0, cal.hourOf(now)));
    this.trades = this.market.hourTrades(this.hour);
    this.index = upperBound(this.trades.time, now);
    this.delivered = now;
    this.timer.at(this.current().time[this.index]!);
  }

  /** The hour holding the next trade (later hours are generated as the tape reaches them). */
  private current(): HourTrades {
    let ht = this.trades!;
    while (this.index >= ht.n) {
      this.hour = this.market.calendar.nextTradingHour(this.hour + 1);
      ht = this.trades = this.market.hourTrades(this.hour);
      this.index = 0;
    }
    return ht;
  }
}
