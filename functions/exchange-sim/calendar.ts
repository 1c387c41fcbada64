// Per-symbol trading calendar: maps hours since listing to maintenance state
// and to contiguous trade-id ordinals (hours fully inside maintenance hold no
// trades and consume no ids).
import type { MaintenanceWindow } from './options.ts';

export const HOUR_MS = 3_600_000;

export interface Span {
  from: number;
  to: number;
}

export class TradingCalendar {
  readonly listedAt: number;
  /** Merged, sorted maintenance windows [from, to). */
  readonly windows: Span[];
  /** Sorted hour-index ranges [from, to) lying entirely inside maintenance. */
  private readonly closedHours: Span[];

  constructor(listedAt: number, windows: readonly MaintenanceWindow[]) {
    this.listedAt = listedAt;
    const sorted = windows.map((w) => ({ from: w.from, to: w.to })).sort((a, b) => a.from - b.from);
    this.windows = [];
    for (const w of sorted) {
      const last = this.windows.at(-1);
      if (last && w.from <= last.to) last.to = Math.max(last.to, w.to);
      else this.windows.push({ ...w });
    }
    this.closedHours = [];
    for (const w of this.windows) {
      const from = Math.max(0, Math.ceil((w.from - listedAt) / HOUR_MS));
      const to = Math.floor((w.to - listedAt) / HOUR_MS);
      if (to > from) this.closedHours.push({ from, to });
    }
  }

  hourStart(h: number): number {
    return this.listedAt + h * HOUR_MS;
  }

  hourOf(t: number): number {
    return Math.floor((t - this.listedAt) / HOUR_MS);
  }

  private closedRange(h: number): Span | undefined {
    for (const r of this.closedHours) {
      if (h < r.from) return undefined;
      if (h < r.to) return r;
    }
    return undefined;
  }

  isClosedHour(h: number): boolean {
    return this.closedRange(h) !== undefined;
  }

  /** Smallest trading hour >= h. */
  nextTradingHour(h: number): number {
    const r = this.closedRange(h);
    return r ? r.to : h;
  }

  /** Largest trading hour <= h (may be negative: none). */
  prevTradingHour(h: number): number {
    const r = this.closedRange(h);
    return r ? r.from - 1 : h;
  }

  /** Number of trading hours before hour h. */
  ordinal(h: number): number {
    let closed = 0;
    for (const r of this.closedHours) {
      if (r.from >= h) break;
      closed += Math.min(r.to, h) - r.from;
    }
    return h - closed;
  }

  /** Trading hour whose ordinal is k. */
  hourForOrdinal(k: number): number {
    let h = k;
    for (const r of this.closedHours) {
      if (r.from <= h) h += r.to - r.from;
      else break;
    }
    return h;
  }

  /** Parts of [from, to) outside maintenance. */
  openSegments(from: number, to: number): Span[] {
    const out: Span[] = [];
    let cursor = from;
    for (const w of this.windows) {
      if (w.to <= cursor) continue;
      if (w.from >= to) break;
      if (w.from > cursor) out.push({ from: cursor, to: w.from });
      cursor = Math.max(cursor, w.to);
      if (cursor >= to) break;
    }
    if (cursor < to) out.push({ from: cursor, to });
    return out;
  }

  /** Maintenance window containing the whole inclusive range [from, last]. */
  coveringWindow(from: number, last: number): Span | undefined {
    for (const w of this.windows) {
      if (w.from <= from && last < w.to) return w;
      if (w.from > from) break;
    }
    return undefined;
  }
}
