// One symbol's simulated order book. It advances lazily, in fixed 100 ms ticks of the simulator clock,
// whether or not anyone watches it; every effective change is logged under its update id, so the depth
// streams send exactly what changed and the book at any recent id can be rebuilt.
import { type LevelSet, type SizeOf, initialLevels, tickUpdates } from './book-changes.ts';

export const TICK_MS = 100;
/** After a long pause at most this many ticks are caught up; older ones are skipped and spend no ids. */
const MAX_CATCH_UP_TICKS = 6_000;

export interface LevelChange extends LevelSet {
  /** Size before the change; 0 when the level was new. */
  readonly prev: number;
}

export interface BookUpdate {
  readonly id: number;
  /** Simulator time of the tick that made it. */
  readonly time: number;
  readonly changes: readonly LevelChange[];
  /** Applied to the book but never sent (the depth-skip fault). */
  readonly hidden: boolean;
}

export interface BookSource {
  /** Seeds the book's randomness. */
  readonly key: number;
  /** Price in ticks of the last trade at or before t. */
  midAt(t: number): number;
  readonly size: SizeOf;
}

export interface Levels {
  readonly bids: Map<number, number>;
  readonly asks: Map<number, number>;
}

export class OrderBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  private lastId: number;
  private nextTick: number;
  private log: BookUpdate[] = [];
  private hideNext = false;
  private readonly source: BookSource;

  constructor(source: BookSource, now: number) {
    this.source = source;
    const tick = Math.floor(now / TICK_MS);
    for (const s of initialLevels(source.key, tick, source.midAt(tick * TICK_MS), source.size)) this.set(s);
    this.lastId = tick * 4;
    this.nextTick = tick + 1;
  }

  get lastUpdateId(): number {
    return this.lastId;
  }

  /** Oldest id whose book can still be rebuilt. */
  get oldestUpdateId(): number {
    return (this.log[0]?.id ?? this.lastId + 1) - 1;
  }

  /** Applies every tick up to `now`, and forgets updates made before `keepFrom`. */
  advanceTo(now: number, keepFrom: number): void {
    const last = Math.floor(now / TICK_MS);
    if (last - this.nextTick >= MAX_CATCH_UP_TICKS) this.nextTick = last - MAX_CATCH_UP_TICKS + 1;
    for (; this.nextTick <= last; this.nextTick++) this.applyTick(this.nextTick);
    let drop = 0;
    while (drop < this.log.length - 1 && this.log[drop]!.time < keepFrom) drop++;
    if (drop > 0) this.log = this.log.slice(drop);
  }

  /** The next update is applied but hidden from the streams. */
  hideNextUpdate(): void {
    this.hideNext = true;
  }

  /** Logged updates with an id above `id`, oldest first. */
  updatesAfter(id: number): readonly BookUpdate[] {
    const first = this.log[0]?.id;
    if (first === undefined || id >= this.lastId) return [];
    return this.log.slice(Math.max(0, id + 1 - first));
  }

  /** The whole book as it stood right after update `id`. */
  levelsAt(id: number): Levels {
    if (!Number.isSafeInteger(id) || id > this.lastId || id < this.oldestUpdateId) {
      throw new RangeError(`update id ${id} is outside the kept history ${this.oldestUpdateId}..${this.lastId}`);
    }
    const bids = new Map(this.bids);
    const asks = new Map(this.asks);
    for (let i = this.log.length - 1; i >= 0 && this.log[i]!.id > id; i--) {
      const changes = this.log[i]!.changes;
      for (let k = changes.length - 1; k >= 0; k--) {
        const c = changes[k]!;
        const side = c.bid ? bids : asks;
        if (c.prev === 0) side.delete(c.price);
        else side.set(c.price, c.prev);
      }
    }
    return { bids, asks };
  }

  private applyTick(tick: number): void {
    const time = tick * TICK_MS;
    const mid = this.source.midAt(time);
    for (const sets of tickUpdates(this.source.key, tick, mid, this, this.source.size)) {
      const changes: LevelChange[] = [];
      for (const s of sets) {
        const prev = this.set(s);
        if (prev !== undefined) changes.push({ ...s, prev });
      }
      if (changes.length === 0) continue;
      this.log.push({ id: ++this.lastId, time, changes, hidden: this.hideNext });
      this.hideNext = false;
    }
  }

  /** Applies one set; returns the previous size, or undefined when nothing changed. */
  private set(s: LevelSet): number | undefined {
    if (s.price < 1) return undefined;
    const side = s.bid ? this.bids : this.asks;
    const prev = side.get(s.price) ?? 0;
    if (prev === s.qty) return undefined;
    if (s.qty === 0) side.delete(s.price);
    else side.set(s.price, s.qty);
    return prev;
  }
}
