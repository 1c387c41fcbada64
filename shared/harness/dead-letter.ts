// Non-retriable records go to the dead-letter topic with the reason and their origin in headers.
import type { Bus, BusRecord } from '../ports/bus.ts';
import type { Instrumentation } from './instrumentation.ts';

export const DEAD_LETTER_TOPIC = 'queue-dead-letter';

/** Publishes the record with its reason and announces it, so the dead-letter counter sees every one. */
export async function deadLetter(ports: { bus: Bus; instrumentation: Instrumentation }, fn: string, record: BusRecord, reason: string): Promise<void> {
  await ports.bus.publish(DEAD_LETTER_TOPIC, [
    {
      key: record.key,
      value: record.value,
      headers: {
        ...record.headers,
        'x-dead-letter-reason': reason,
        'x-dead-letter-function': fn,
        'x-source-topic': record.topic,
        'x-source-partition': String(record.partition),
        'x-source-offset': String(record.offset),
      },
    },
  ]);
  ports.instrumentation.emit('record.dead-lettered', { fn, topic: record.topic, reason });
}
