// Large deterministic byte streams, their checksums, and live-memory measurement: for the object store
// tests and the registry benchmark (no test framework here, so the benchmark can use it too).
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MiB = 1024 * 1024;

/** `size` bytes of a deterministic pattern (xorshift), made a chunk at a time: never whole in memory. */
export async function* patternBytes(size: number, seed = 1, chunk = MiB): AsyncGenerator<Uint8Array> {
  let x = seed >>> 0 || 1;
  for (let done = 0; done < size; ) {
    const n = Math.min(chunk, size - done);
    const out = new Uint8Array(n);
    const words = new Uint32Array(out.buffer, 0, n >> 2);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
    done += n;
    yield out;
  }
}

export async function sha256Of(chunks: AsyncIterable<Uint8Array>): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** A full garbage collection, reached without starting Node with --expose-gc. */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/**
 * Peak growth of live memory (heap plus array buffers, where chunks live) over the baseline while `work`
 * runs: sampled after a full collection every 50 ms, so garbage waiting to be collected does not count.
 */
export async function peakMemoryGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const live = () => {
    collectGarbage();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const baseline = live();
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, live());
  }, 50);
  try {
    const result = await work();
    return { result, growth: peak - baseline };
  } finally {
    clearInterval(sampler);
  }
}
