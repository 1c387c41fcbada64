// Publishing to a typed topic: every value is encoded and validated through the topic's schema, so a
// bad record is caught where it is made, not one hop later.
import { type Topic, type TopicValue, encodeRecord } from '../contracts/topic.ts';
import { NonRetriableError } from '../errors.ts';
import type { Bus, BusHeaders, OutgoingRecord } from '../ports/bus.ts';
import { type DeadLetterPorts, deadLetter } from './dead-letter.ts';

function encode<T extends Topic>(topic: T, value: TopicValue<T>, headers?: BusHeaders) {
  const encoded = encodeRecord(topic, value);
  return encoded.ok ? { ok: true as const, record: { key: topic.key(value), value: encoded.value, ...(headers ? { headers } : {}) } } : encoded;
}

/** Publishes values the platform made itself; one that breaks the schema is a bug, and fails loudly. */
export async function publish<T extends Topic>(bus: Bus, topic: T, values: readonly TopicValue<T>[], headers?: BusHeaders): Promise<void> {
  const records: OutgoingRecord[] = [];
  for (const value of values) {
    const encoded = encode(topic, value, headers);
    if (!encoded.ok) throw new NonRetriableError(`refusing to publish an invalid record to ${topic.name}: ${encoded.reason}`);
    records.push(encoded.record);
  }
  await bus.publish(topic.name, records);
}

/**
 * Publishes values that came from outside (an exchange's page): those that break the schema go to the
 * dead-letter topic with the reason and their source, the rest go on. They are the function's records in.
 * Resolves to how many were published.
 */
export async function publishOrDeadLetter<T extends Topic>(ports: DeadLetterPorts, fn: string, topic: T, values: readonly TopicValue<T>[], source: string): Promise<number> {
  ports.instrumentation.emit('records.in', { fn, count: values.length });
  const records: OutgoingRecord[] = [];
  for (const value of values) {
    const encoded = encode(topic, value);
    if (encoded.ok) records.push(encoded.record);
    else await deadLetter(ports, fn, { key: topic.key(value), value: JSON.stringify(value), source }, encoded.reason);
  }
  await ports.bus.publish(topic.name, records);
  return records.length;
}
