// How a decision becomes a trade, for every consumer of prices that acts on them: the backtester, the
// PPO agent's training environment and its live paper account all step through this one class.
//
// A long-or-flat spot account: `buy` puts all the cash into the asset, `sell` turns all of it back into
// cash, `hold` does nothing (so does a buy while long or a sell while flat). The order of events is fixed:
// a decision is taken on a closed bar t and is filled at bar t+1's open, the only price not yet seen —
// then bar t+1 closes and the account is marked at its close. Every fill pays slippage on the price (up
// for a buy, down for a sell) and a fee on the notional, in the quote currency.
export type Action = 'buy' | 'sell' | 'hold';
export const ACTIONS: readonly Action[] = ['buy', 'sell', 'hold'];

/** The fields of a candle a trader sees once it has closed. */
export interface PriceBar {
  readonly open_time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface Costs {
  /** Fee on each fill's notional, e.g. 0.001 (Binance's 0.1 % spot taker fee). */
  readonly fee_rate: number;
  /** Price moved against each fill, e.g. 0.0005 = 5 basis points. */
  readonly slippage_rate: number;
}

export interface Fill {
  /** The bar whose close the decision saw, and the bar at whose open it was filled. */
  readonly decided_at: number;
  readonly time: number;
  readonly side: 'buy' | 'sell';
  /** After slippage. */
  readonly price: number;
  readonly quantity: number;
  readonly fee: number;
  /** Equity right after the fill, valued at the fill price. */
  readonly equity: number;
}

export function checkCosts(costs: Costs): void {
  if (!(costs.fee_rate >= 0 && costs.fee_rate < 1)) throw new RangeError(`fee_rate must be in [0, 1), not ${costs.fee_rate}`);
  if (!(costs.slippage_rate >= 0 && costs.slippage_rate < 1)) throw new RangeError(`slippage_rate must be in [0, 1), not ${costs.slippage_rate}`);
}

/** Cash and asset of a long-or-flat account, and the one way they change: a fill at a price. */
export class Account {
  cash: number;
  quantity = 0;
  private readonly costs: Costs;

  constructor(initialCash: number, costs: Costs) {
    if (!(initialCash > 0 && Number.isFinite(initialCash))) throw new RangeError(`initial cash must be positive, not ${initialCash}`);
    checkCosts(costs);
    this.cash = initialCash;
    this.costs = costs;
  }

  get long(): boolean {
    return this.quantity > 0;
  }

  equityAt(price: number): number {
    return this.cash + this.quantity * price;
  }

  /** The share of equity held in the asset at a price: 0 flat, 1 long. */
  positionAt(price: number): number {
    const equity = this.equityAt(price);
    return equity > 0 ? (this.quantity * price) / equity : 0;
  }

  /** Fills the action at a market price, or returns undefined when it changes nothing. */
  fill(action: Action, marketPrice: number, decidedAt: number, time: number): Fill | undefined {
    const { fee_rate, slippage_rate } = this.costs;
    if (action === 'buy' && !this.long && this.cash > 0) {
      const price = marketPrice * (1 + slippage_rate);
      const fee = this.cash * fee_rate;
      const quantity = (this.cash - fee) / price;
      this.cash = 0;
      this.quantity = quantity;
      return { decided_at: decidedAt, time, side: 'buy', price, quantity, fee, equity: quantity * price };
    }
    if (action === 'sell' && this.long) {
      const price = marketPrice * (1 - slippage_rate);
      const quantity = this.quantity;
      const notional = quantity * price;
      const fee = notional * fee_rate;
      this.cash += notional - fee;
      this.quantity = 0;
      return { decided_at: decidedAt, time, side: 'sell', price, quantity, fee, equity: this.cash };
    }
    return undefined;
  }
}
