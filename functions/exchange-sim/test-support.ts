// Shared helpers for the exchange simulator tests: fixed clock, JSON GETs and
// exact decimal-string arithmetic.
import { type ExchangeSim, createExchangeSim } from './index.ts';
import type { SimOptions } from './options.ts';
import type { RawAggTrade, RawKline } from '../../shared/binance/wire.ts';

export const NOW = Date.parse('2024-09-01T00:00:00Z');
export const DAY = Date.parse('2024-08-01T00:00:00Z');
export const HOUR = 3_600_000;

export interface Clock {
  now: number;
}

export function makeSim(options: SimOptions = {}, clock: Clock = { now: NOW }): ExchangeSim {
  return createExchangeSim({ now: () => clock.now, ...options });
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export async function getJson<T = unknown>(sim: ExchangeSim, path: string, init?: RequestInit): Promise<JsonResponse<T>> {
  const res = await sim.app.request(path, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body: body as T };
}

export type Kline = RawKline;
export type AggTradeRow = RawAggTrade;

/** 8-decimal string as an integer count of 1e-8 units. */
export function units(s: string): bigint {
  const [int = '0', frac = ''] = s.split('.');
  return BigInt(int + frac.padEnd(8, '0').slice(0, 8));
}

export async function klines(sim: ExchangeSim, query: string): Promise<Kline[]> {
  const r = await getJson<Kline[]>(sim, `/api/v3/klines?${query}`);
  if (r.status !== 200) throw new Error(`klines ${query}: ${r.status} ${r.text}`);
  return r.body;
}

export async function aggTrades(sim: ExchangeSim, query: string): Promise<AggTradeRow[]> {
  const r = await getJson<AggTradeRow[]>(sim, `/api/v3/aggTrades?${query}`);
  if (r.status !== 200) throw new Error(`aggTrades ${query}: ${r.status} ${r.text}`);
  return r.body;
}

/** All aggTrades of `symbol` with from <= T < to, paging by fromId. */
export async function walkTrades(sim: ExchangeSim, symbol: string, from: number, to: number): Promise<AggTradeRow[]> {
  const out: AggTradeRow[] = [];
  let page = await aggTrades(sim, `symbol=${symbol}&startTime=${from}&limit=1000`);
  while (page.length > 0) {
    for (const t of page) {
      if (t.T >= to) return out;
      out.push(t);
    }
    const last = page.at(-1)!;
    page = await aggTrades(sim, `symbol=${symbol}&fromId=${last.a + 1}&limit=1000`);
  }
  return out;
}
