// What the orchestrator asks the exchange before accepting a workflow: which symbols it lists.
import { BinanceRest } from '../binance/rest-client.ts';

/** The exchange's symbol list, refreshed every five minutes; undefined while the exchange cannot be asked. */
export function cachedSymbols(restUrl: string): () => Promise<ReadonlySet<string> | undefined> {
  const rest = new BinanceRest({ baseUrl: restUrl, retries: 1, timeoutMs: 5000 });
  let cached: { at: number; symbols: ReadonlySet<string> } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < 300_000) return cached.symbols;
    try {
      const info = await rest.exchangeInfo();
      cached = { at: Date.now(), symbols: new Set(info.symbols.map((s) => s.symbol)) };
      return cached.symbols;
    } catch {
      return undefined;
    }
  };
}
