// Hands batches from kafkajs' eachBatch callback to an async iterator, one at a time: the callback
// waits until the reader asks for the next batch, which is how the reader says it is done with this one.

export class BatchChannel<T> {
  private readonly queue: { item: T; taken: () => void }[] = [];
  private reader: ((result: IteratorResult<T>) => void) | undefined;
  private finishCurrent: (() => void) | undefined;
  private closed = false;

  /** Resolves once the reader has finished with `item` (or the channel closed). */
  push(item: T): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((taken) => {
      if (this.reader) {
        const reader = this.reader;
        this.reader = undefined;
        this.finishCurrent = taken;
        reader({ value: item, done: false });
      } else this.queue.push({ item, taken });
    });
  }

  next(): Promise<IteratorResult<T>> {
    this.finishCurrent?.();
    this.finishCurrent = undefined;
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    const queued = this.queue.shift();
    if (queued) {
      this.finishCurrent = queued.taken;
      return Promise.resolve({ value: queued.item, done: false });
    }
    return new Promise((resolve) => (this.reader = resolve));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    this.finishCurrent?.();
    for (const { taken } of this.queue.splice(0)) taken();
    this.reader?.({ value: undefined, done: true });
    this.reader = undefined;
  }
}
