/// <reference lib="dom" />
// The trade tape: the last trades, newest on top, green when the buyer took the offer and red when the
// seller hit the bid. A trade seen twice (two workflows streaming the symbol) is listed once.
import type { Trade } from '../../../shared/contracts/market.ts';
import { formatPrice, formatQty, formatTime } from './format.ts';

const SHOWN = 50;

export class TradeTape {
  private readonly body: HTMLElement;
  private trades: Trade[] = [];
  private pending = false;

  constructor(body: HTMLElement) {
    this.body = body;
  }

  get count(): number {
    return this.trades.length;
  }

  add(trades: readonly Trade[]): void {
    const seen = new Set(this.trades.map((t) => t.agg_id));
    const fresh = trades.filter((t) => !seen.has(t.agg_id));
    this.trades = [...fresh.reverse(), ...this.trades].sort((a, b) => b.agg_id - a.agg_id).slice(0, SHOWN);
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  private render(): void {
    const rows = this.trades.map((trade) => {
      const row = document.createElement('tr');
      // buyer_maker: the buyer's order rested, so the seller took it.
      row.className = trade.buyer_maker ? 'sell' : 'buy';
      for (const text of [formatTime(trade.time), formatPrice(trade.price), formatQty(trade.qty)]) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
    this.body.replaceChildren(...rows);
  }
}
