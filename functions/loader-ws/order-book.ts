// A local order book kept by Binance's documented procedure: buffer the diff stream, take a REST snapshot,
// drop the diffs it already contains, require the first applied diff to span lastUpdateId + 1, then each
// next diff to start right after the last (U == previous u + 1). A gap means updates were missed: the book
// is thrown away and rebuilt from a new snapshot.
import type { DepthSnapshot, DepthUpdateEvent } from '../../shared/binance/stream-wire.ts';

type Level = readonly [string, string];

class Side {
  /** Price text -> quantity text, exactly as the exchange wrote them. */
  private readonly levels = new Map<string, string>();
  private readonly descending: boolean;

  constructor(descending: boolean) {
    this.descending = descending;
  }

  reset(levels: readonly Level[]): void {
    this.levels.clear();
    this.apply(levels);
  }

  /** A quantity of zero removes the level. */
  apply(levels: readonly Level[]): void {
    for (const [price, qty] of levels) {
      if (Number(qty) === 0) this.levels.delete(price);
      else this.levels.set(price, qty);
    }
  }

  get size(): number {
    return this.levels.size;
  }

  /** The best `limit` levels as numbers, best first. */
  top(limit: number): [number, number][] {
    const levels = [...this.levels].map(([p, q]): [number, number] => [Number(p), Number(q)]);
    levels.sort((a, b) => (this.descending ? b[0] - a[0] : a[0] - b[0]));
    return levels.slice(0, limit);
  }
}

export type SyncOutcome =
  /** The diff was applied (or was already in the snapshot): the book is current. */
  | 'applied'
  /** No snapshot yet: the diff is buffered until one arrives. */
  | 'buffered'
  /** A diff is missing: the book was dropped; take a new snapshot. */
  | 'gap';

export class LocalOrderBook {
  private readonly bids = new Side(true);
  private readonly asks = new Side(false);
  private buffer: DepthUpdateEvent[] = [];
  /** The last update id in the book; undefined until a snapshot was taken. */
  private last: number | undefined;
  /** Whether a diff has been applied since the snapshot (the first one must span the snapshot's id). */
  private bridged = false;

  get lastUpdateId(): number | undefined {
    return this.last;
  }

  get synced(): boolean {
    return this.last !== undefined;
  }

  /** The first buffered update id, to tell whether a snapshot is older than the stream it must join. */
  get firstBufferedId(): number | undefined {
    return this.buffer[0]?.U;
  }

  handle(diff: DepthUpdateEvent): SyncOutcome {
    if (this.last === undefined) {
      this.buffer.push(diff);
      return 'buffered';
    }
    return this.applyDiff(diff);
  }

  /**
   * Starts the book from a snapshot and the diffs buffered so far. 'gap' when the snapshot is older than
   * the buffered stream (a diff between them was never seen): take a newer snapshot.
   */
  applySnapshot(snapshot: DepthSnapshot): SyncOutcome {
    const first = this.buffer[0];
    if (first && snapshot.lastUpdateId < first.U - 1) return 'gap';
    this.bids.reset(snapshot.bids);
    this.asks.reset(snapshot.asks);
    this.last = snapshot.lastUpdateId;
    this.bridged = false;
    const buffered = this.buffer;
    this.buffer = [];
    for (const diff of buffered) if (this.applyDiff(diff) === 'gap') return 'gap';
    return 'applied';
  }

  /** Forgets the book, keeping nothing: the next diffs are buffered for a new snapshot. */
  reset(): void {
    this.last = undefined;
    this.bridged = false;
    this.buffer = [];
    this.bids.reset([]);
    this.asks.reset([]);
  }

  top(limit: number): { bids: [number, number][]; asks: [number, number][] } {
    return { bids: this.bids.top(limit), asks: this.asks.top(limit) };
  }

  get depth(): { bids: number; asks: number } {
    return { bids: this.bids.size, asks: this.asks.size };
  }

  private applyDiff(diff: DepthUpdateEvent): SyncOutcome {
    const last = this.last!;
    if (diff.u <= last) return 'applied';
    const joins = this.bridged ? diff.U === last + 1 : diff.U <= last + 1;
    if (!joins) {
      this.reset();
      this.buffer.push(diff);
      return 'gap';
    }
    this.bids.apply(diff.b);
    this.asks.apply(diff.a);
    this.last = diff.u;
    this.bridged = true;
    return 'applied';
  }
}
