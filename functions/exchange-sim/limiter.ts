// Binance-style REQUEST_WEIGHT limiter: per-client weight in fixed windows
// aligned to the epoch, 429 over the limit, 418 ban for clients that keep
// hammering after a 429.

export type RateInterval = 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY';

export interface LimiterOptions {
  limit: number;
  windowMs: number;
  banAfter429s: number;
  banDurationMs: number;
}

export interface WeightDecision {
  status: 200 | 429 | 418;
  usedWeight: number;
  /** Whole seconds, set for 429 and 418. */
  retryAfterSeconds?: number;
  bannedUntil?: number;
}

interface ClientState {
  windowStart: number;
  used: number;
  rejected: boolean;
  strikes: number;
  bannedUntil: number;
}

const UNITS: Array<[RateInterval, number, string]> = [
  ['DAY', 86_400_000, 'D'],
  ['HOUR', 3_600_000, 'H'],
  ['MINUTE', 60_000, 'M'],
  ['SECOND', 1000, 'S'],
];

/** Binance interval name and count for a window length (whole seconds). */
function describeWindow(windowMs: number): { interval: RateInterval; intervalNum: number; suffix: string } {
  for (const [interval, ms, letter] of UNITS) {
    if (windowMs % ms === 0) return { interval, intervalNum: windowMs / ms, suffix: `${windowMs / ms}${letter}` };
  }
  throw new Error(`weight window must be a whole number of seconds, got ${windowMs} ms`);
}

export class WeightLimiter {
  readonly options: LimiterOptions;
  readonly interval: RateInterval;
  readonly intervalNum: number;
  /** e.g. X-MBX-USED-WEIGHT-1M */
  readonly headerName: string;
  private readonly clients = new Map<string, ClientState>();

  constructor(options: LimiterOptions) {
    this.options = options;
    const w = describeWindow(options.windowMs);
    this.interval = w.interval;
    this.intervalNum = w.intervalNum;
    this.headerName = `X-MBX-USED-WEIGHT-${w.suffix}`;
  }

  private state(client: string, now: number): ClientState {
    const windowStart = Math.floor(now / this.options.windowMs) * this.options.windowMs;
    let st = this.clients.get(client);
    if (!st) {
      st = { windowStart, used: 0, rejected: false, strikes: 0, bannedUntil: 0 };
      this.clients.set(client, st);
    } else if (st.windowStart !== windowStart) {
      st.windowStart = windowStart;
      st.used = 0;
      st.rejected = false;
      st.strikes = 0;
    }
    return st;
  }

  usedWeight(client: string, now: number): number {
    return this.state(client, now).used;
  }

  charge(client: string, weight: number, now: number): WeightDecision {
    const st = this.state(client, now);
    if (st.bannedUntil > now) return this.banned(st, now);
    st.used += weight;
    if (st.used <= this.options.limit) return { status: 200, usedWeight: st.used };
    if (st.rejected) {
      st.strikes++;
      if (st.strikes > this.options.banAfter429s) {
        st.bannedUntil = now + this.options.banDurationMs;
        st.rejected = false;
        st.strikes = 0;
        return this.banned(st, now);
      }
    }
    st.rejected = true;
    const retry = Math.max(1, Math.ceil((st.windowStart + this.options.windowMs - now) / 1000));
    return { status: 429, usedWeight: st.used, retryAfterSeconds: retry };
  }

  private banned(st: ClientState, now: number): WeightDecision {
    return {
      status: 418,
      usedWeight: st.used,
      retryAfterSeconds: Math.max(1, Math.ceil((st.bannedUntil - now) / 1000)),
      bannedUntil: st.bannedUntil,
    };
  }

  reset(): void {
    this.clients.clear();
  }
}
