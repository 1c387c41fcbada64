// The visualizer's HTTP routes: the page and its script, the stored history of a symbol, and the symbols
// it knows. The live data goes over the `/live` WebSocket (live-socket.ts).
import { Hono } from 'hono';
import { httpError, onError } from '../../shared/http/errors.ts';
import type { Logger } from '../../shared/logger.ts';
import type { HistoryAnswer, SymbolsAnswer } from './messages.ts';
import { PAGE_HTML } from './page-html.ts';
import { type HistoryQuery, historyQuerySchema } from './queries.ts';

export interface VisualizerAppOptions {
  readonly logger: Logger;
  readonly history: (query: HistoryQuery) => Promise<HistoryAnswer>;
  readonly symbols: () => Promise<SymbolsAnswer>;
  /** Why a symbol cannot be shown, or undefined when it can. */
  readonly unknownSymbol: (symbol: string) => Promise<string | undefined>;
  readonly script: () => Promise<string>;
}

export function visualizerApp(options: VisualizerAppOptions): Hono {
  const app = new Hono();
  app.onError((error, c) => onError(error, c, (e) => options.logger.error({ err: e }, 'request failed')));
  app.get('/', (c) => c.html(PAGE_HTML));
  app.get('/app.js', async (c) => c.body(await options.script(), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get('/api/history', async (c) => {
    const query = historyQuerySchema.parse(c.req.query());
    const unknown = await options.unknownSymbol(query.symbol);
    if (unknown) throw httpError(400, `symbol: ${unknown}`, { field: 'symbol' });
    return c.json(await options.history(query));
  });
  app.get('/api/symbols', async (c) => c.json(await options.symbols()));
  return app;
}
