// The one way a topic is read: an async iterator of batches whose records are parsed through the topic's
// schema; a record that fails is dead-lettered with its reason and the stream goes on. The caller commits;
// the subscription is closed in `finally`, however the loop ends. Records in, batch durations and failed
// batches are announced for the metrics.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Topic, type TopicValue, decodeRecord } from '../contracts/topic.ts';
import type { BusRecord } from '../ports/bus.ts';
import { backoffDelay } from '../retry.ts';
import { type DeadLetterPorts, deadLetter } from './dead-letter.ts';

export interface Message<T> {
  readonly value: T;
  readonly record: BusRecord;
}

export interface MessageBatch<T> {
  readonly topic: string;
  readonly partition: number;
  /** The records that parsed; dead-lettered ones are left out (they are already handled). */
  readonly messages: readonly Message<T>[];
  /** The batch's last record, parsed or not: committing through it commits the whole batch. */
  readonly last: BusRecord;
  commit(through?: BusRecord): Promise<void>;
}

export interface ConsumeOptions<T extends Topic> {
  /** The function reading, named in dead letters. */
  readonly fn: string;
  readonly group: string;
  readonly topic: T;
  /** Aborting ends the iteration (the subscription closes; uncommitted records go to the next member). */
  readonly signal?: AbortSignal;
  readonly fromBeginning?: boolean;
  readonly maxBatchSize?: number;
  /**
   * False for a reader that only watches a topic another group already handles (a live view): it skips
   * a bad record with a warning, so the record is dead-lettered once, by the topic's own reader.
   */
  readonly deadLetters?: boolean;
}

export async function* consume<T extends Topic>(ports: DeadLetterPorts, options: ConsumeOptions<T>): AsyncGenerator<MessageBatch<TopicValue<T>>> {
  const { topic, signal } = options;
  const subscription = ports.bus.subscribe({
    group: options.group,
    topics: [topic.name],
    ...(options.fromBeginning === undefined ? {} : { fromBeginning: options.fromBeginning }),
    ...(options.maxBatchSize === undefined ? {} : { maxBatchSize: options.maxBatchSize }),
  });
  const close = () => void subscription.close();
  signal?.addEventListener('abort', close, { once: true });
  try {
    if (signal?.aborted) return;
    for await (const batch of subscription) {
      const messages: Message<TopicValue<T>>[] = [];
      for (const record of batch.records) {
        const parsed = decodeRecord(topic, record.value);
        if (parsed.ok) messages.push({ value: parsed.value as TopicValue<T>, record });
        else if (options.deadLetters === false) ports.logger.warn({ topic: record.topic, offset: record.offset, reason: parsed.reason }, 'skipped a record that does not parse');
        else await deadLetter(ports, options.fn, { record }, parsed.reason);
      }
      ports.instrumentation.emit('records.in', { fn: options.fn, count: batch.records.length });
      const handedOver = performance.now();
      let committed = false;
      let resumed = false;
      const commit = (through?: BusRecord) => {
        committed = true;
        return batch.commit(through);
      };
      try {
        yield { topic: batch.topic, partition: batch.partition, messages, last: batch.records.at(-1)!, commit };
        resumed = true;
      } finally {
        // Asked for the next batch, or committed and done: handled. Left at the yield uncommitted (the
        // reader threw) and not stopped: the batch failed, and its records are read again.
        if (resumed || committed) ports.instrumentation.emit('batch.handled', { fn: options.fn, seconds: (performance.now() - handedOver) / 1000 });
        else if (!signal?.aborted) ports.instrumentation.emit('records.failed', { fn: options.fn, count: batch.records.length });
      }
    }
  } finally {
    signal?.removeEventListener('abort', close);
    await subscription.close();
  }
}

export interface Reader {
  /** Stop reading: closes the subscription and resolves when the loop has ended. */
  stop(): Promise<void>;
}

/**
 * A long-lived reader (a function's commands, the orchestrator's events): if its subscription dies, it
 * subscribes again after a jittered pause, until it is stopped.
 */
export function consumeForever<T extends Topic>(
  ports: DeadLetterPorts,
  options: Omit<ConsumeOptions<T>, 'signal'>,
  handle: (batch: MessageBatch<TopicValue<T>>) => Promise<void>,
): Reader {
  const controller = new AbortController();
  const loop = (async () => {
    for (let failures = 0; !controller.signal.aborted; ) {
      try {
        for await (const batch of consume(ports, { ...options, signal: controller.signal })) {
          await handle(batch);
          failures = 0;
        }
        if (controller.signal.aborted) return;
        throw new Error('subscription ended');
      } catch (error) {
        if (controller.signal.aborted) return;
        const pause = backoffDelay(failures++, 500, 15_000);
        ports.logger.warn({ err: error, group: options.group, topic: options.topic.name, pause }, 'reader lost its subscription; subscribing again');
        await sleep(pause, undefined, { signal: controller.signal }).catch(() => undefined);
      }
    }
  })();
  return {
    async stop() {
      controller.abort();
      await loop;
    },
  };
}
