// Commits a partition only through records whose work is done, when work finishes out of order.
import type { BusRecord } from '../ports/bus.ts';

interface Committable {
  readonly topic: string;
  readonly partition: number;
  commit(through?: BusRecord): Promise<void>;
}

interface Entry {
  readonly record: BusRecord;
  readonly batch: Committable;
  done: boolean;
}

export class OffsetTracker {
  private readonly pending = new Map<string, Entry[]>();

  /** Registers a record in arrival order; the returned function marks it done and commits what it can. */
  track(batch: Committable, record: BusRecord): () => Promise<void> {
    const key = `${batch.topic}/${batch.partition}`;
    const entries = this.pending.get(key) ?? [];
    this.pending.set(key, entries);
    const entry: Entry = { record, batch, done: false };
    entries.push(entry);
    return async () => {
      entry.done = true;
      let last: Entry | undefined;
      while (entries[0]?.done) last = entries.shift();
      if (!entries.length) this.pending.delete(key);
      if (last) await last.batch.commit(last.record);
    };
  }
}
