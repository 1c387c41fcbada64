// `<symbol>@kline_<interval>`: the current candle at most once a second while trades arrive, and a final
// update with x: true when it closes. Every value is computed as GET /api/v3/klines computes it, from the
// trades the live tape has handed out, so a closed candle is the REST candle.
import { type KlineInterval, intervalOpenTime, nextOpenTime } from '../../../shared/binance/intervals.ts';
import type { SymbolMarket } from '../market.ts';
import { DueTimer, type SimClock } from './due-timer.ts';
import { klineEvent } from './payloads.ts';
import type { TradeFeed } from './trade-feed.ts';

const UPDATE_EVERY_MS = 1000;
/** Closed candles sent at most at once after a jump of the clock; older ones are passed over. */
const MAX_CLOSES_AT_ONCE = 1000;

export class KlineStream {
  private readonly market: SymbolMarket;
  private readonly interval: KlineInterval;
  private readonly feed: TradeFeed;
  private readonly emit: (json: string) => void;
  private readonly closer: DueTimer;
  private readonly unlisten: () => void;
  private readonly updates: NodeJS.Timeout;
  private open: number;
  private next: number;
  private changed = true;

  constructor(market: SymbolMarket, interval: KlineInterval, feed: TradeFeed, clock: SimClock, emit: (json: string) => void) {
    this.market = market;
    this.interval = interval;
    this.feed = feed;
    this.emit = emit;
    this.closer = new DueTimer(clock, () => {
      this.feed.pump();
      this.closeDue();
    });
    this.unlisten = feed.listen(() => {
      this.changed = true;
      this.closeDue();
    });
    this.open = intervalOpenTime(feed.deliveredUpTo, interval);
    this.next = nextOpenTime(this.open, interval);
    this.closer.at(this.next);
    this.updates = setInterval(() => this.update(), UPDATE_EVERY_MS);
  }

  stop(): void {
    this.unlisten();
    this.closer.cancel();
    clearInterval(this.updates);
  }

  private update(): void {
    this.feed.pump();
    if (!this.changed) return;
    this.changed = false;
    this.send(this.feed.deliveredUpTo, false);
  }

  /** Sends the final update of every candle whose trades have all been handed out. */
  private closeDue(): void {
    const upTo = this.feed.deliveredUpTo;
    for (let closes = 0; this.next - 1 <= upTo; closes++) {
      if (closes === MAX_CLOSES_AT_ONCE) {
        this.open = intervalOpenTime(upTo, this.interval);
        this.next = nextOpenTime(this.open, this.interval);
        break;
      }
      this.send(this.next - 1, true);
      this.open = this.next;
      this.next = nextOpenTime(this.open, this.interval);
      this.changed = true;
    }
    this.closer.at(this.next);
  }

  private send(upTo: number, closed: boolean): void {
    const m = this.market;
    // REST leaves out candles that lie wholly inside a maintenance window; so does the stream.
    if (m.calendar.coveringWindow(this.open, this.next - 1)) return;
    const candle = m.candle(this.open, this.next, upTo);
    let firstTradeId = -1;
    let lastTradeId = -1;
    if (candle.stats.aggTrades > 0) {
      firstTradeId = m.aggTrades({ startTime: this.open, endTime: upTo, limit: 1 }, upTo)[0]!.f;
      lastTradeId = m.aggTrades({ endTime: upTo, limit: 1 }, upTo)[0]!.l;
    }
    this.emit(klineEvent(m.config, { interval: this.interval, candle, firstTradeId, lastTradeId, closed }, Date.now()));
  }
}
