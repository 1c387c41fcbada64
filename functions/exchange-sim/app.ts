// Hono routes of the simulator: Binance spot REST market-data endpoints
// behind the weight limiter and fault injector, plus /sim control endpoints.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Context, Hono } from 'hono';
import { isKlineInterval } from '../../shared/binance/intervals.ts';
import { BinanceError, invalidSymbol, limitParam, optionalInt, requiredParam, timeRange } from './errors.ts';
import { exchangeInfo } from './exchange-info.ts';
import { type FaultInjector, type FaultSpec, faultSpecSchema } from './faults.ts';
import type { WeightLimiter } from './limiter.ts';
import type { SimMarket, SymbolMarket } from './market.ts';
import { aggTradeJson, klineRow } from './rows.ts';
import type { SimStats } from './stats.ts';
import type { SimBooks } from './ws/books.ts';

const ENDPOINT_WEIGHTS: Readonly<Record<string, number>> = {
  '/api/v3/ping': 1,
  '/api/v3/time': 1,
  '/api/v3/exchangeInfo': 20,
  '/api/v3/klines': 2,
  '/api/v3/aggTrades': 4,
};

const MAX_AGG_TRADE_WINDOW_MS = 3_600_000;

/** GET /api/v3/depth weighs by its limit, as Binance's does. */
function depthWeight(limit: string | undefined): number {
  const n = Number(limit || 100);
  if (!(n > 100)) return 5;
  return n <= 500 ? 25 : n <= 1000 ? 50 : 250;
}

export interface AppParts {
  market: SimMarket;
  limiter: WeightLimiter;
  faults: FaultInjector;
  stats: SimStats;
  books: SimBooks;
}

function clientKey(c: Context): string {
  const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
  if (forwarded) return forwarded;
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? 'local';
}

function faultResponse(c: Context, fault: Extract<FaultSpec, { kind: 'status' | 'malformed' | 'body' }>): Response {
  if (fault.kind === 'body') return c.json(fault.body as object, 200);
  if (fault.kind === 'malformed') {
    return c.body('{"code":0,"msg":"unterminated', 200, { 'Content-Type': 'application/json' });
  }
  const throttled = fault.status === 429 || fault.status === 418;
  const retry = fault.retryAfterSeconds ?? (throttled ? 1 : undefined);
  if (retry !== undefined) c.header('Retry-After', String(retry));
  const body =
    fault.body ??
    (throttled
      ? { code: -1003, msg: 'Too many requests; injected fault.' }
      : fault.status === 503
        ? { code: -1008, msg: 'Server is currently overloaded with other requests. Please try again in a few minutes.' }
        : { code: -1000, msg: 'An unknown error occurred while processing the request.' });
  return c.body(JSON.stringify(body), fault.status as 500, { 'Content-Type': 'application/json' });
}

function parseSymbolList(raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((s) => typeof s === 'string')) {
    throw new BinanceError(-1100, "Illegal characters found in parameter 'symbols'.");
  }
  return parsed;
}

export function buildApp({ market, limiter, faults, stats, books }: AppParts): Hono {
  const app = new Hono();
  const lookup = (c: Context): SymbolMarket => {
    const m = market.symbol(requiredParam((n) => c.req.query(n), 'symbol'));
    if (!m) throw invalidSymbol();
    return m;
  };

  app.use('/api/*', async (c, next) => {
    const path = c.req.path;
    stats.request(path);
    const fault = faults.take(path);
    if (fault?.kind === 'delay') await sleep(fault.ms);
    else if (fault?.kind === 'hold') await faults.hold(fault.maxMs);
    else if (fault) {
      const res = faultResponse(c, fault);
      stats.response(res.status);
      return res;
    }
    const weight = path === '/api/v3/depth' ? depthWeight(c.req.query('limit')) : ENDPOINT_WEIGHTS[path];
    if (weight !== undefined) {
      const client = clientKey(c);
      const d = limiter.charge(client, weight, market.now());
      c.header(limiter.headerName, String(d.usedWeight));
      if (d.status !== 200) {
        c.header('Retry-After', String(d.retryAfterSeconds));
        stats.response(d.status);
        const msg =
          d.status === 418
            ? `Way too many requests; IP(${client}) banned until ${d.bannedUntil}. Please use WebSocket Streams for live updates to avoid bans.`
            : `Too many requests; current limit of IP(${client}) request weight is ${limiter.options.limit} request weight per ${limiter.intervalNum} ${limiter.interval}. Please use WebSocket Streams for live updates to avoid polling the API.`;
        return c.json({ code: -1003, msg }, d.status);
      }
      stats.weight(weight);
    }
    await next();
    stats.response(c.res.status);
  });

  app.get('/api/v3/ping', (c) => c.json({}));
  app.get('/api/v3/time', (c) => c.json({ serverTime: market.now() }));

  app.get('/api/v3/exchangeInfo', (c) => {
    const one = c.req.query('symbol');
    const many = c.req.query('symbols');
    if (one !== undefined && many !== undefined) {
      throw new BinanceError(-1128, 'Combination of optional parameters invalid.');
    }
    const names = one !== undefined ? [one] : many !== undefined ? parseSymbolList(many) : undefined;
    const selected = names
      ? names.map((n) => {
          const m = market.symbol(n);
          if (!m) throw invalidSymbol();
          return m;
        })
      : [...market.symbols.values()];
    return c.json(exchangeInfo(selected, limiter, market.now()));
  });

  app.get('/api/v3/klines', (c) => {
    const query = (n: string): string | undefined => c.req.query(n);
    const m = lookup(c);
    const interval = requiredParam(query, 'interval');
    if (!isKlineInterval(interval)) throw new BinanceError(-1120, 'Invalid interval.');
    const { startTime, endTime } = timeRange(query);
    const limit = limitParam(query, 500, 1000);
    const candles = m.klines({ interval, startTime, endTime, limit }, market.now());
    return c.json(candles.map((k) => klineRow(m.config, k)));
  });

  app.get('/api/v3/aggTrades', (c) => {
    const query = (n: string): string | undefined => c.req.query(n);
    const m = lookup(c);
    const fromId = optionalInt(query, 'fromId');
    const { startTime, endTime } = timeRange(query);
    if (startTime !== undefined && endTime !== undefined && endTime - startTime > MAX_AGG_TRADE_WINDOW_MS) {
      throw new BinanceError(-1127, 'More than 1 hours between startTime and endTime.');
    }
    const limit = limitParam(query, 500, 1000);
    const trades = m.aggTrades({ fromId, startTime, endTime, limit }, market.now());
    stats.trades(m.config.symbol, trades.length);
    return c.json(trades.map((t) => aggTradeJson(m.config, t)));
  });

  app.get('/api/v3/depth', (c) => {
    const m = lookup(c);
    const limit = limitParam((n) => c.req.query(n), 100, 5000);
    return c.json(books.snapshot(m.config.symbol, limit));
  });

  app.post('/sim/faults', async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined);
    const list = Array.isArray(body) ? body : [body];
    const parsed = list.map((item) => faultSpecSchema.safeParse(item));
    const bad = parsed.findIndex((p) => !p.success);
    if (bad >= 0) {
      const issue = parsed[bad]?.error?.issues[0];
      const field = issue?.path.join('.') || 'body';
      return c.json({ error: `invalid fault: ${field}: ${issue?.message ?? 'malformed'}`, field }, 400);
    }
    const unknown = parsed.find((p) => p.data?.kind === 'depth-skip' && !market.symbol(p.data.symbol));
    if (unknown) return c.json({ error: 'invalid fault: symbol: unknown symbol', field: 'symbol' }, 400);
    for (const p of parsed) if (p.data) faults.inject(p.data);
    return c.json({ pending: faults.pending() }, 201);
  });
  app.get('/sim/faults', (c) => c.json({ pending: faults.pending(), held: faults.held() }));
  app.post('/sim/faults/release', (c) => c.json({ released: faults.release() }));
  app.delete('/sim/faults', (c) => {
    faults.clear();
    return c.json({ pending: [] });
  });
  app.get('/sim/stats', (c) => c.json(stats.snapshot()));
  app.delete('/sim/stats', (c) => {
    stats.reset();
    return c.json(stats.snapshot());
  });

  app.onError((err, c) => {
    if (err instanceof BinanceError) return c.json({ code: err.code, msg: err.message }, err.status);
    return c.json({ code: -1000, msg: 'An unknown error occurred while processing the request.' }, 500);
  });
  app.notFound((c) => c.json({ code: -1000, msg: 'Not found.' }, 404));
  return app;
}
