// `<symbol>@depth@100ms` and `<symbol>@depth` (1000 ms): every interval, the levels the book changed since
// the last event, with U the first and u the last update id they cover; nothing when nothing changed.
// An update hidden by the depth-skip fault splits the events around it, so the ids show a gap.
import type { BookUpdate } from './order-book.ts';
import type { SimBooks, WireLevel } from './books.ts';
import { type DepthDiff, depthEvent } from './payloads.ts';

export class DepthStream {
  private readonly books: SimBooks;
  private readonly symbol: string;
  private readonly emit: (json: string) => void;
  private readonly timer: NodeJS.Timeout;
  private lastSent: number;

  constructor(books: SimBooks, symbol: string, everyMs: number, emit: (json: string) => void) {
    this.books = books;
    this.symbol = symbol;
    this.emit = emit;
    this.lastSent = books.lastUpdateId(symbol);
    this.timer = setInterval(() => this.send(), everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private send(): void {
    const updates = this.books.updatesAfter(this.symbol, this.lastSent);
    let run: BookUpdate[] = [];
    for (const update of updates) {
      if (!update.hidden) {
        run.push(update);
        continue;
      }
      this.sendRun(run);
      run = [];
    }
    this.sendRun(run);
    const last = updates.at(-1);
    if (last) this.lastSent = last.id;
  }

  private sendRun(run: readonly BookUpdate[]): void {
    if (run.length === 0) return;
    const bids = new Map<number, number>();
    const asks = new Map<number, number>();
    for (const update of run) for (const c of update.changes) (c.bid ? bids : asks).set(c.price, c.qty);
    const wire = (levels: Map<number, number>, descending: boolean): WireLevel[] =>
      [...levels].sort((a, b) => (descending ? b[0] - a[0] : a[0] - b[0])).map(([price, qty]) => this.books.wireLevel(this.symbol, price, qty));
    const diff: DepthDiff = { firstUpdateId: run[0]!.id, lastUpdateId: run.at(-1)!.id, bids: wire(bids, true), asks: wire(asks, false) };
    this.emit(depthEvent(this.symbol, diff, Date.now()));
  }
}
