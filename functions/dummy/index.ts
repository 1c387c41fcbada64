// dummy (the seed's dummy-service): proves the bus works end to end (produce, consume, commit on a
// scratch topic) and generates synthetic load at a given rate and record size — the tool benchmarks use.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus } from '../../shared/ports/bus.ts';

import { DUMMY_SCRATCH_TOPIC, GROUPS } from '../../shared/contracts/names.ts';

export interface CheckResult {
  readonly ok: boolean;
  readonly message: string;
  readonly produceMs: number;
  readonly roundTripMs: number;
}

/** Publishes a nonce, reads it back in the dummy's group, commits, and confirms the group's lag is gone. */
export async function checkBus(bus: Bus, options: { topic?: string; group?: string; timeoutMs?: number } = {}): Promise<CheckResult> {
  const topic = options.topic ?? DUMMY_SCRATCH_TOPIC;
  const group = options.group ?? GROUPS.dummy;
  const nonce = randomUUID();
  const started = performance.now();
  await bus.ensureTopic(topic, { partitions: 1 });
  await bus.publish(topic, [{ key: 'dummy', value: JSON.stringify({ nonce, sent_at: Date.now() }) }]);
  const produceMs = performance.now() - started;
  const subscription = bus.subscribe({ group, topics: [topic] });
  const timer = setTimeout(() => void subscription.close(), options.timeoutMs ?? 15_000);
  let found = false;
  try {
    for await (const batch of subscription) {
      found = batch.records.some((r) => r.value.includes(nonce));
      await batch.commit();
      if (found) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  const roundTripMs = performance.now() - started;
  if (!found) return { ok: false, message: `no echo of the probe on ${topic} within the timeout`, produceMs, roundTripMs };
  const lag = (await bus.lag(group, topic)).reduce((sum, p) => sum + p.lag, 0);
  if (lag !== 0) return { ok: false, message: `the probe was read but ${group} still lags ${lag} on ${topic}: commit did not land`, produceMs, roundTripMs };
  return { ok: true, message: `${bus.kind} bus OK: produced, consumed and committed on ${topic} in ${roundTripMs.toFixed(0)} ms`, produceMs, roundTripMs };
}

export interface LoadOptions {
  readonly topic: string;
  /** Records per second; 0 for as fast as the bus takes them. */
  readonly ratePerSecond: number;
  readonly recordBytes: number;
  readonly durationMs?: number;
  readonly records?: number;
  readonly keys?: number;
  readonly batchSize?: number;
}

export interface Throughput {
  readonly records: number;
  readonly bytes: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly mbPerSecond: number;
}

const throughput = (records: number, bytes: number, seconds: number): Throughput => ({
  records,
  bytes,
  seconds,
  recordsPerSecond: records / seconds,
  mbPerSecond: bytes / seconds / 1_048_576,
});

/** Publishes records of `recordBytes` each, paced to the rate, until the duration or count is reached. */
export async function generateLoad(bus: Bus, options: LoadOptions): Promise<Throughput> {
  const batchSize = options.batchSize ?? 500;
  const keys = options.keys ?? 16;
  const payload = 'x'.repeat(Math.max(0, options.recordBytes));
  await bus.ensureTopic(options.topic);
  const started = performance.now();
  const limit = options.records ?? Number.POSITIVE_INFINITY;
  let sent = 0;
  while (sent < limit && (options.durationMs === undefined || performance.now() - started < options.durationMs)) {
    const elapsed = (performance.now() - started) / 1000;
    const due = options.ratePerSecond > 0 ? Math.floor(elapsed * options.ratePerSecond) - sent : batchSize;
    if (due <= 0) {
      await sleep(5);
      continue;
    }
    const count = Math.min(due, batchSize, limit - sent);
    await bus.publish(
      options.topic,
      Array.from({ length: count }, (_, i) => ({ key: `key-${(sent + i) % keys}`, value: payload })),
    );
    sent += count;
  }
  return throughput(sent, sent * options.recordBytes, (performance.now() - started) / 1000);
}

/** Reads `expected` records of a topic in a group, committing each batch, and reports the rate. */
export async function consumeLoad(bus: Bus, options: { topic: string; group: string; expected: number; timeoutMs?: number; maxBatchSize?: number }): Promise<Throughput> {
  const subscription = bus.subscribe({ group: options.group, topics: [options.topic], maxBatchSize: options.maxBatchSize ?? 1000 });
  const timer = setTimeout(() => void subscription.close(), options.timeoutMs ?? 120_000);
  let records = 0;
  let bytes = 0;
  let started: number | undefined;
  try {
    for await (const batch of subscription) {
      started ??= performance.now();
      records += batch.records.length;
      for (const record of batch.records) bytes += record.value.length;
      await batch.commit();
      if (records >= options.expected) break;
    }
  } finally {
    clearTimeout(timer);
    await subscription.close();
  }
  if (records < options.expected) throw new Error(`consumed ${records} of ${options.expected} records from ${options.topic} before the timeout`);
  return throughput(records, bytes, (performance.now() - (started ?? performance.now())) / 1000);
}
