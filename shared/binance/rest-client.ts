// Binance REST client: reads the used-weight header to stay under the limit and says what each failure
// means: 429/418 (with Retry-After), 5xx, malformed bodies and network errors are RetriableError, Binance's
// 4xx errors NonRetriableError. It does not retry by itself: the step that uses it is the one retry layer,
// and resumes from the page that failed.
import { setTimeout as sleep } from 'node:timers/promises';
import { NonRetriableError, RetriableError } from '../errors.ts';
import type { KlineInterval } from './intervals.ts';
import { type DepthSnapshot, depthSnapshotSchema } from './stream-wire.ts';
import type { RawAggTrade, RawKline } from './wire.ts';

export type { RawAggTrade, RawKline } from './wire.ts';

export interface WeightWindow {
  readonly limit: number;
  readonly windowMs: number;
  /** Header carrying the weight used in the current window, e.g. x-mbx-used-weight-1m. */
  readonly header: string;
}

export interface BinanceRestOptions {
  readonly baseUrl: string;
  /** Fraction of the weight limit to use before waiting for the next window. */
  readonly weightBudget?: number;
  readonly timeoutMs?: number;
  readonly onWait?: (reason: string, ms: number) => void;
}

const UNIT_MS: Record<string, [number, string]> = { SECOND: [1000, 's'], MINUTE: [60_000, 'm'], HOUR: [3_600_000, 'h'], DAY: [86_400_000, 'd'] };
const DEFAULT_WINDOW: WeightWindow = { limit: 6000, windowMs: 60_000, header: 'x-mbx-used-weight-1m' };

export class BinanceRest {
  private readonly options: BinanceRestOptions;
  private window: WeightWindow | undefined;
  private usedWeight = 0;
  private usedAt = 0;

  constructor(options: BinanceRestOptions) {
    this.options = { ...options, baseUrl: options.baseUrl.replace(/\/+$/, '') };
  }

  /** The exchange's clock: what "now" is for the data it serves. */
  async serverTime(signal?: AbortSignal): Promise<number> {
    return (await this.get<{ serverTime: number }>('/api/v3/time', {}, 1, signal)).serverTime;
  }

  async exchangeInfo(signal?: AbortSignal): Promise<ExchangeInfo> {
    return this.get<ExchangeInfo>('/api/v3/exchangeInfo', {}, 20, signal);
  }

  async klines(params: { symbol: string; interval: KlineInterval; startTime?: number; endTime?: number; limit?: number }, signal?: AbortSignal) {
    return this.get<RawKline[]>('/api/v3/klines', params, 2, signal);
  }

  async aggTrades(params: { symbol: string; fromId?: number; startTime?: number; endTime?: number; limit?: number }, signal?: AbortSignal) {
    return this.get<RawAggTrade[]>('/api/v3/aggTrades', params, 4, signal);
  }

  /** An order-book snapshot; its weight grows with the depth asked for, as Binance counts it. */
  async depth(params: { symbol: string; limit?: number }, signal?: AbortSignal): Promise<DepthSnapshot> {
    const limit = params.limit ?? 100;
    const weight = limit <= 100 ? 5 : limit <= 500 ? 25 : limit <= 1000 ? 50 : 250;
    const parsed = depthSnapshotSchema.safeParse(await this.get<unknown>('/api/v3/depth', { symbol: params.symbol, limit }, weight, signal));
    if (!parsed.success) throw new RetriableError(`unexpected depth snapshot from ${this.options.baseUrl}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /** The REQUEST_WEIGHT limit the exchange announces; learned once, before the first weighted request. */
  async weightWindow(symbol?: string, signal?: AbortSignal): Promise<WeightWindow> {
    if (!this.window) {
      this.window = DEFAULT_WINDOW;
      // Asking for one symbol keeps the answer small; the rate limits come with it either way.
      const info = await this.get<ExchangeInfo>('/api/v3/exchangeInfo', { symbol }, 20, signal);
      const limit = info.rateLimits.find((r) => r.rateLimitType === 'REQUEST_WEIGHT');
      const unit = limit ? UNIT_MS[limit.interval] : undefined;
      if (limit && unit) {
        this.window = { limit: limit.limit, windowMs: unit[0] * limit.intervalNum, header: `x-mbx-used-weight-${limit.intervalNum}${unit[1]}` };
      }
    }
    return this.window;
  }

  private async get<T>(path: string, params: Record<string, string | number | undefined>, weight: number, signal?: AbortSignal): Promise<T> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
    const url = `${this.options.baseUrl}${path}${query.size ? `?${query}` : ''}`;
    if (path !== '/api/v3/exchangeInfo') await this.waitForWeight(weight, params.symbol as string | undefined, signal);
    return this.send<T>(url, signal);
  }

  private async waitForWeight(weight: number, symbol: string | undefined, signal?: AbortSignal): Promise<void> {
    const window = this.window ?? (await this.weightWindow(symbol, signal));
    const now = Date.now();
    const windowStart = Math.floor(now / window.windowMs) * window.windowMs;
    if (this.usedAt < windowStart) this.usedWeight = 0;
    const budget = window.limit * (this.options.weightBudget ?? 0.9);
    if (this.usedWeight + weight > budget) {
      const wait = windowStart + window.windowMs - now + 50;
      this.options.onWait?.(`used weight ${this.usedWeight}/${window.limit}, waiting for the next window`, wait);
      await sleep(wait, undefined, { signal });
      this.usedWeight = 0;
    }
    this.usedWeight += weight;
    this.usedAt = Date.now();
  }

  private async send<T>(url: string, signal?: AbortSignal): Promise<T> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 15_000);
    let response: Response;
    try {
      response = await fetch(url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, headers: { accept: 'application/json' } });
    } catch (error) {
      signal?.throwIfAborted();
      throw new RetriableError(`request to ${url} failed: ${(error as Error).message}`, { cause: error });
    }
    const header = this.window?.header ?? DEFAULT_WINDOW.header;
    const used = Number(response.headers.get(header));
    if (response.headers.has(header) && Number.isFinite(used)) {
      this.usedWeight = used;
      this.usedAt = Date.now();
    }
    const text = await response.text();
    if (response.status === 429 || response.status === 418) {
      const retryAfterMs = Math.max(1, Number(response.headers.get('retry-after')) || 1) * 1000;
      throw new RetriableError(`${response.status === 418 ? 'IP banned' : 'rate limited'} by ${url}; retrying after ${retryAfterMs} ms`, { retryAfterMs });
    }
    if (response.status >= 500) throw new RetriableError(`HTTP ${response.status} from ${url}`);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new RetriableError(`malformed JSON from ${url}: ${text.slice(0, 80)}`, { cause: error });
    }
    if (!response.ok) {
      const { code, msg } = (body ?? {}) as { code?: number; msg?: string };
      throw new NonRetriableError(`Binance error ${code ?? response.status} from ${url}: ${msg ?? text.slice(0, 200)}`);
    }
    return body as T;
  }
}

export interface ExchangeInfo {
  rateLimits: { rateLimitType: string; interval: string; intervalNum: number; limit: number }[];
  symbols: { symbol: string; status: string; baseAsset: string; quoteAsset: string }[];
}
