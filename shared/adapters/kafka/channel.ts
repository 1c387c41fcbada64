// Hands batches from kafkajs' eachBatch callback to an async iterator, one at a time: the callback
// waits until the reader asks for the next batch, which is how the reader says it is done with this one.

interface Reader<T> {
  resolve(result: IteratorResult<T>): void;
  reject(error: Error): void;
}

export class BatchChannel<T> {
  private readonly queue: { item: T; taken: () => void }[] = [];
  private reader: Reader<T> | undefined;
  private finishCurrent: (() => void) | undefined;
  private closed = false;
  private failure: Error | undefined;

  /** Resolves once the reader has finished with `item` (or the channel closed). */
  push(item: T): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((taken) => {
      const reader = this.takeReader();
      if (reader) {
        this.finishCurrent = taken;
        reader.resolve({ value: item, done: false });
      } else this.queue.push({ item, taken });
    });
  }

  next(): Promise<IteratorResult<T>> {
    this.finishCurrent?.();
    this.finishCurrent = undefined;
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    const queued = this.queue.shift();
    if (queued) {
      this.finishCurrent = queued.taken;
      return Promise.resolve({ value: queued.item, done: false });
    }
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The source died for good: the reader's next call throws, so it can retry instead of waiting forever. */
  fail(error: Error): void {
    if (this.closed) return;
    this.failure = error;
    this.takeReader()?.reject(error);
    this.close();
  }

  close(): void {
    this.closed = true;
    this.finishCurrent?.();
    this.finishCurrent = undefined;
    for (const { taken } of this.queue.splice(0)) taken();
    this.takeReader()?.resolve({ value: undefined, done: true });
  }

  private takeReader(): Reader<T> | undefined {
    const reader = this.reader;
    this.reader = undefined;
    return reader;
  }
}
