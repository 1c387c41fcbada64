// Commits a partition only through records whose work is done, when work finishes out of order.
import type { Batch, BusRecord } from '../ports/bus.ts';

interface Entry {
  readonly record: BusRecord;
  readonly batch: Batch;
  done: boolean;
}

export class OffsetTracker {
  private readonly pending = new Map<string, Entry[]>();

  track(batch: Batch, record: BusRecord): () => Promise<void> {
    const key = `${batch.topic}/${batch.partition}`;
    const entries = this.pending.get(key) ?? [];
    this.pending.set(key, entries);
    const entry: Entry = { record, batch, done: false };
    entries.push(entry);
    return async () => {
      entry.done = true;
      let last: Entry | undefined;
      while (entries[0]?.done) last = entries.shift();
      if (last) await last.batch.commit(last.record);
    };
  }
}
