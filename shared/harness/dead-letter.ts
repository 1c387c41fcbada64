// Non-retriable records go to the dead-letter topic with the reason and their origin in headers.
import type { Bus, BusRecord } from '../ports/bus.ts';

export const DEAD_LETTER_TOPIC = 'queue-dead-letter';

export async function deadLetter(bus: Bus, fn: string, record: BusRecord, reason: string): Promise<void> {
  await bus.publish(DEAD_LETTER_TOPIC, [
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
}
