// The orchestrator as the platform runs it: image names from the configuration, symbols checked
// against the exchange before a workflow is accepted, and the topic it reads for lag reporting.
import { BinanceRest } from '../binance/rest-client.ts';
import type { Config } from '../config.ts';
import { EVENTS_TOPIC } from '../contracts/events.ts';
import type { Ports } from '../harness/function.ts';
import { createOrchestrator, type Orchestrator } from '../../functions/orchestrator/index.ts';
import { ORCHESTRATOR_GROUP } from '../../functions/orchestrator/engine.ts';

export const ORCHESTRATOR_READS = { group: ORCHESTRATOR_GROUP, topic: EVENTS_TOPIC } as const;

export function platformOrchestrator(config: Config, ports: Pick<Ports, 'bus' | 'store' | 'logger' | 'instrumentation'>, restUrl: string | undefined): Orchestrator {
  return createOrchestrator(ports, {
    image: (target) => `${config.IMAGE_REGISTRY}/${target}:${config.IMAGE_TAG}`,
    ...(restUrl ? { knownSymbols: cachedSymbols(restUrl) } : {}),
  });
}

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
