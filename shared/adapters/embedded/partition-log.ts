// One partition of the embedded bus: an append-only log whose head is trimmed by retention (age and
// size), as Kafka's log cleaner does. Offsets stay absolute; a reader behind the head skips to it.
import type { BusRecord } from '../../ports/bus.ts';

export interface Retention {
  readonly ms: number;
  readonly bytes: number;
}

const sizeOf = (record: BusRecord) => record.key.length + record.value.length + 64;

export class PartitionLog {
  private records: BusRecord[] = [];
  /** Index in `records` of the first record still retained; compacted away now and then. */
  private head = 0;
  private startOffset = 0;
  private bytes = 0;

  get endOffset(): number {
    return this.startOffset + this.records.length - this.head;
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  get size(): number {
    return this.bytes;
  }

  /** Appends a record built for the offset `endOffset` gives. */
  append(record: BusRecord): void {
    this.records.push(record);
    this.bytes += sizeOf(record);
  }

  /** Up to `max` records from `offset` on (from the head if `offset` was trimmed away). */
  read(offset: number, max: number): BusRecord[] {
    const from = this.head + Math.max(0, offset - this.startOffset);
    return this.records.slice(from, from + max);
  }

  trim(retention: Retention, now: number): void {
    while (this.head < this.records.length) {
      const oldest = this.records[this.head]!;
      if (now - oldest.timestamp <= retention.ms && this.bytes <= retention.bytes) break;
      this.bytes -= sizeOf(oldest);
      this.head++;
      this.startOffset++;
    }
    // Drop the trimmed prefix once it is a good share of the array, so memory is given back.
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}
