// Runs one function step directly through its ports, without the command loop: the unit-test entry point.
import { tmpdir } from 'node:os';
import { FsObjectStore } from '../shared/adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../shared/adapters/embedded/sqlite-store.ts';
import type { ControlCommand } from '../shared/contracts/control.ts';
import { parseDataType } from '../shared/contracts/data-type.ts';
import { collectionNameFor, dataTopicFor, queueIdFor, telemetryIdFor } from '../shared/contracts/names.ts';
import { timeRangeSchema } from '../shared/contracts/time-range.ts';
import type { Ports, Progress, StepContext } from '../shared/harness/function.ts';
import { Instrumentation } from '../shared/harness/instrumentation.ts';
import { type FunctionDefinition, runAttempts } from '../shared/harness/step.ts';
import { silentLogger } from '../shared/logger.ts';
import type { BusRecord } from '../shared/ports/bus.ts';

export function embeddedPorts(): Ports {
  return { bus: new MemoryBus(), store: new SqliteStore(':memory:'), objects: new FsObjectStore(tmpdir()), logger: silentLogger, instrumentation: new Instrumentation() };
}

export function commandFor(target: string, symbol: string, type: string, timeRange: string, suffix = 'abc123'): ControlCommand {
  const range = timeRangeSchema.parse(timeRange);
  const dataType = parseDataType(type);
  const queueId = queueIdFor(symbol, dataType, range.from, suffix);
  return {
    command: 'start',
    queue_id: queueId,
    target,
    symbol,
    type: dataType,
    time_range: range,
    kafka_topic: dataTopicFor(queueId),
    collection_name: collectionNameFor(symbol, dataType, range.from),
    telemetry_id: telemetryIdFor(target, suffix),
    image: `streamforge/${target}:test`,
    timestamp: Date.now() / 1000,
  };
}

export type TestContext = Omit<StepContext, 'memo'> & { reports: Progress[] };

export function stepContext(ports: Ports, command: ControlCommand, signal = new AbortController().signal): TestContext {
  const reports: Progress[] = [];
  return { ...ports, command, signal, reports, report: async (progress) => void reports.push(progress) };
}

/** Runs a step as the harness does: its attempts under a quick retry policy, each resuming from the last. */
export function runStep(definition: FunctionDefinition, ctx: TestContext, retries = { retries: 8, minDelayMs: 10, maxDelayMs: 50 }) {
  const notices: { attempt: number; error: string }[] = [];
  const result = runAttempts(definition, ctx, retries, (notice) => notices.push(notice));
  return { result, notices };
}

/** Records of a topic, read by a throwaway group, up to the first end-of-stream record; fails after the timeout. */
export async function readStream(ports: Ports, topic: string, timeoutMs = 10_000): Promise<BusRecord[]> {
  const sub = ports.bus.subscribe({ group: `reader-${Math.random()}`, topics: [topic] });
  const records: BusRecord[] = [];
  let timedOut = false;
  const deadline = setTimeout(() => {
    timedOut = true;
    void sub.close();
  }, timeoutMs);
  try {
    for await (const batch of sub) {
      records.push(...batch.records);
      if (batch.records.some((r) => r.value.includes('"kind":"end"'))) break;
    }
    if (timedOut) throw new Error(`no end-of-stream record on ${topic} within ${timeoutMs} ms (${records.length} records)`);
    return records;
  } finally {
    clearTimeout(deadline);
    await sub.close();
  }
}
