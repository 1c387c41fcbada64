// Runs one function step directly through its ports, without the command loop: the unit-test entry point.
import { MemoryBus } from '../shared/adapters/embedded/memory-bus.ts';
import { FsObjectStore } from '../shared/adapters/embedded/fs-object-store.ts';
import { SqliteStore } from '../shared/adapters/embedded/sqlite-store.ts';
import type { ControlCommand } from '../shared/contracts/control.ts';
import { collectionNameFor, dataTopicFor, queueIdFor, telemetryIdFor } from '../shared/contracts/naming.ts';
import { parseTimeRange } from '../shared/contracts/workflow.ts';
import type { Ports, Progress, StepContext } from '../shared/harness/function.ts';
import { Instrumentation } from '../shared/harness/instrumentation.ts';
import { silentLogger } from '../shared/logger.ts';
import type { BusRecord } from '../shared/ports/bus.ts';
import { tmpdir } from 'node:os';

export function embeddedPorts(): Ports {
  return { bus: new MemoryBus(), store: new SqliteStore(':memory:'), objects: new FsObjectStore(tmpdir()), logger: silentLogger, instrumentation: new Instrumentation() };
}

export function commandFor(target: string, symbol: string, type: string, timeRange: string, suffix = 'abc123'): ControlCommand {
  const { from } = parseTimeRange(timeRange);
  const queueId = queueIdFor(symbol, type, from, suffix);
  return {
    command: 'start',
    queue_id: queueId,
    target,
    symbol,
    type,
    time_range: timeRange,
    kafka_topic: dataTopicFor(queueId),
    collection_name: collectionNameFor(symbol, type, from),
    telemetry_id: telemetryIdFor(target, suffix),
    image: `streamforge/${target}:test`,
    timestamp: Date.now() / 1000,
  };
}

export function stepContext(ports: Ports, command: ControlCommand, signal = new AbortController().signal): StepContext & { reports: Progress[] } {
  const reports: Progress[] = [];
  return { ...ports, command, signal, reports, report: async (progress) => void reports.push(progress) };
}

/** Records of a topic, read by a throwaway group, up to the first end-of-stream record. */
export async function readStream(ports: Ports, topic: string, timeoutMs = 10_000): Promise<BusRecord[]> {
  const sub = ports.bus.subscribe({ group: `reader-${Math.random()}`, topics: [topic] });
  const records: BusRecord[] = [];
  const deadline = setTimeout(() => void sub.close(), timeoutMs);
  try {
    for await (const batch of sub) {
      records.push(...batch.records);
      if (batch.records.some((r) => r.value.includes('"kind":"end"'))) break;
    }
    return records;
  } finally {
    clearTimeout(deadline);
    await sub.close();
  }
}
