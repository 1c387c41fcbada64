// The dummy's bus check and load generator on the embedded bus (the Kafka suite runs them on a real broker).
import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../shared/adapters/embedded/memory-bus.ts';
import type { Bus, PartitionLag } from '../../shared/ports/bus.ts';
import { checkBus, consumeLoad, generateLoad } from './index.ts';

describe('dummy', () => {
  it('reports a working bus after producing, consuming and committing a probe', async () => {
    const result = await checkBus(new MemoryBus());
    expect(result.ok).toBe(true);
    expect(result.message).toMatch(/^embedded bus OK: produced, consumed and committed on dummy-scratch/);
  });

  it('reports a bus whose commits do not land', async () => {
    const bus = new MemoryBus();
    const broken: Bus = Object.assign(Object.create(bus), {
      lag: async (group: string, topic: string): Promise<PartitionLag[]> => [{ group, topic, partition: 0, endOffset: 1, committedOffset: 0, lag: 1 }],
    });
    const result = await checkBus(broken);
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/still lags 1 .*commit did not land/) });
  });

  it('generates records of the asked size at the asked rate, and consumes them all back', async () => {
    const bus = new MemoryBus();
    const produced = await generateLoad(bus, { topic: 'load', ratePerSecond: 2000, recordBytes: 200, durationMs: 500 });
    expect(produced.records).toBeGreaterThanOrEqual(900);
    expect(produced.records).toBeLessThanOrEqual(1000);
    expect(produced.bytes).toBe(produced.records * 200);
    const consumed = await consumeLoad(bus, { topic: 'load', group: 'g', expected: produced.records });
    expect(consumed.records).toBe(produced.records);
    expect(consumed.bytes).toBe(produced.bytes);
    expect((await bus.lag('g', 'load')).reduce((s, l) => s + l.lag, 0)).toBe(0);
  });
});
