// What the orchestrator asks the exchange before it accepts a workflow: which symbols it lists and
// when each one's data begins. Undefined answers mean the exchange could not be asked; the loader
// then reports the problem at run time.
import { BinanceRest } from '../../shared/binance/rest-client.ts';

export interface ExchangeCatalog {
  symbols(): Promise<ReadonlySet<string> | undefined>;
  /** Open time of the symbol's first daily candle: nothing exists before it. */
  firstDay(symbol: string): Promise<number | undefined>;
}

const SYMBOLS_TTL_MS = 300_000;

export function exchangeCatalog(restUrl: string): ExchangeCatalog {
  const rest = new BinanceRest({ baseUrl: restUrl, timeoutMs: 5000 });
  let symbols: { at: number; set: ReadonlySet<string> } | undefined;
  const firstDays = new Map<string, number>();
  return {
    async symbols() {
      if (symbols && Date.now() - symbols.at < SYMBOLS_TTL_MS) return symbols.set;
      try {
        const info = await rest.exchangeInfo();
        symbols = { at: Date.now(), set: new Set(info.symbols.map((s) => s.symbol)) };
        return symbols.set;
      } catch {
        return undefined;
      }
    },
    async firstDay(symbol) {
      const known = firstDays.get(symbol);
      if (known !== undefined) return known;
      try {
        // Binance answers startTime=0 with the first candle it has: the listing day.
        const [first] = await rest.klines({ symbol, interval: '1d', startTime: 0, limit: 1 });
        if (!first) return undefined;
        firstDays.set(symbol, first[0]);
        return first[0];
      } catch {
        return undefined;
      }
    },
  };
}
