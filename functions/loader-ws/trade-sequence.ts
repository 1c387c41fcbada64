// Keeps a live trade stream complete and in order by aggregate-trade id: a repeated id (two connections
// overlapping across a rotation) is dropped, and a skipped range (a reconnect) is fetched from REST
// `aggTrades?fromId=` before the trade that revealed it, so the published sequence has no hole.
import type { BinanceRest } from '../../shared/binance/rest-client.ts';
import { tradeFromAggTrade } from '../../shared/binance/normalize.ts';
import { RetriableError } from '../../shared/errors.ts';
import type { Trade } from '../../shared/contracts/market.ts';

const PAGE = 1000;

export interface Accepted {
  readonly trades: Trade[];
  /** How many of them came from REST to close a gap. */
  readonly backfilled: number;
}

export class TradeSequence {
  private readonly rest: BinanceRest;
  private readonly symbol: string;
  /** The last id published; undefined before the first trade. */
  private lastId: number | undefined;

  constructor(rest: BinanceRest, symbol: string, lastId?: number) {
    this.rest = rest;
    this.symbol = symbol;
    this.lastId = lastId;
  }

  get last(): number | undefined {
    return this.lastId;
  }

  /** The trades to publish for `trade`, in id order: none for a repeat, the missing ones first after a gap. */
  async accept(trade: Trade, signal: AbortSignal): Promise<Accepted> {
    const last = this.lastId;
    if (last !== undefined && trade.agg_id <= last) return { trades: [], backfilled: 0 };
    const missing = last === undefined || trade.agg_id === last + 1 ? [] : await this.fetch(last + 1, trade.agg_id - 1, signal);
    this.lastId = trade.agg_id;
    return { trades: [...missing, trade], backfilled: missing.length };
  }

  /** Trades from `fromId` through `toId`, page by page. */
  private async fetch(fromId: number, toId: number, signal: AbortSignal): Promise<Trade[]> {
    const out: Trade[] = [];
    let next = fromId;
    while (next <= toId) {
      const rows = await this.rest.aggTrades({ symbol: this.symbol, fromId: next, limit: Math.min(PAGE, toId - next + 1) }, signal);
      for (const row of rows) if (row.a >= next && row.a <= toId) out.push(tradeFromAggTrade(this.symbol, row));
      const lastRow = rows.at(-1);
      if (!lastRow || lastRow.a < next) throw new RetriableError(`the exchange returned no trades from id ${next} while closing a gap up to ${toId}`);
      next = lastRow.a + 1;
    }
    return out;
  }
}
