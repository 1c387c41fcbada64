// Records that can never be handled go to the dead-letter topic with the reason and their origin in
// headers, and the stream goes on.
import type { Logger } from 'pino';
import type { Bus, BusHeaders, BusRecord } from '../ports/bus.ts';
import type { Instrumentation } from './instrumentation.ts';

export const DEAD_LETTER_TOPIC = 'queue-dead-letter';

export interface DeadLetterPorts {
  readonly bus: Bus;
  readonly instrumentation: Instrumentation;
  readonly logger: Logger;
}

/** Where a refused record came from: a bus record, or a value that never reached the bus (e.g. an exchange's page). */
export type LetterOrigin = { readonly record: BusRecord } | { readonly key: string; readonly value: string; readonly source: string };

function letter(origin: LetterOrigin): { key: string; value: string; headers: BusHeaders; topic: string } {
  if ('record' in origin) {
    const { record } = origin;
    return {
      key: record.key,
      value: record.value,
      topic: record.topic,
      headers: { ...record.headers, 'x-source-topic': record.topic, 'x-source-partition': String(record.partition), 'x-source-offset': String(record.offset) },
    };
  }
  return { key: origin.key, value: origin.value, topic: origin.source, headers: { 'x-source': origin.source } };
}

/** Publishes the record with its reason and announces it, so the dead-letter counter sees every one. */
export async function deadLetter(ports: DeadLetterPorts, fn: string, origin: LetterOrigin, reason: string): Promise<void> {
  const { key, value, headers, topic } = letter(origin);
  await ports.bus.publish(DEAD_LETTER_TOPIC, [{ key, value, headers: { ...headers, 'x-dead-letter-reason': reason, 'x-dead-letter-function': fn } }]);
  ports.logger.warn({ source: topic, reason }, 'record dead-lettered');
  ports.instrumentation.emit('record.dead-lettered', { fn, topic, reason });
}
