// Fault injection queue for tests and chaos runs: status codes, malformed or replaced bodies, delays,
// and holds (requests that wait until the test releases them) applied to matching request paths.
import { z } from 'zod';

const common = {
  /** Exact request path, a prefix ending in '*', or omitted for every /api path. */
  path: z.string().startsWith('/').optional(),
  /** Matching requests to let through before the fault starts applying. */
  afterRequests: z.number().int().nonnegative().default(0),
  /** Matching requests the fault applies to. */
  count: z.number().int().positive().default(1),
};

export const faultSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('status'),
    status: z.number().int().min(400).max(599),
    retryAfterSeconds: z.number().int().nonnegative().optional(),
    body: z.unknown().optional(),
    ...common,
  }),
  z.object({ kind: z.literal('malformed'), ...common }),
  z.object({ kind: z.literal('delay'), ms: z.number().int().nonnegative().max(600_000), ...common }),
  /** Answer 200 with this JSON body instead of the real one: data the exchange got wrong. */
  z.object({ kind: z.literal('body'), body: z.unknown(), ...common }),
  /** Hold matching requests until released (POST /sim/faults/release), or `maxMs` passed: nothing waits forever. */
  z.object({ kind: z.literal('hold'), maxMs: z.number().int().positive().max(600_000).default(120_000), ...common }),
]);

export type FaultSpecInput = z.input<typeof faultSpecSchema>;
export type FaultSpec = z.output<typeof faultSpecSchema>;

interface QueuedFault {
  spec: FaultSpec;
  skip: number;
  remaining: number;
}

function matches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return path.startsWith('/api/');
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  return pattern === path;
}

export class FaultInjector {
  private queue: QueuedFault[] = [];
  private readonly holding = new Set<() => void>();

  /** Waits until release() or `maxMs`, whichever comes first. */
  async hold(maxMs: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.holding.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.holding.add(done);
    });
  }

  /** Requests being held right now. */
  held(): number {
    return this.holding.size;
  }

  /** Lets every held request go on, and drops the hold faults still queued. */
  release(): number {
    const released = this.holding.size;
    for (const done of [...this.holding]) done();
    this.queue = this.queue.filter((q) => q.spec.kind !== 'hold');
    return released;
  }

  /** Validates and enqueues a fault; throws a ZodError on bad input. */
  inject(input: FaultSpecInput): FaultSpec {
    const spec = faultSpecSchema.parse(input);
    this.queue.push({ spec, skip: spec.afterRequests, remaining: spec.count });
    return spec;
  }

  clear(): void {
    this.queue = [];
    this.release();
  }

  /** Faults still queued, with their remaining skip and apply counts. */
  pending(): Array<FaultSpec & { afterRequests: number; count: number }> {
    return this.queue.map((q) => ({ ...q.spec, afterRequests: q.skip, count: q.remaining }));
  }

  /** Fault to apply to this request, if any; advances every matching fault. */
  take(path: string): FaultSpec | undefined {
    let chosen: QueuedFault | undefined;
    for (const q of this.queue) {
      if (!matches(q.spec.path, path)) continue;
      if (q.skip > 0) q.skip--;
      else if (!chosen) chosen = q;
    }
    if (!chosen) return undefined;
    chosen.remaining--;
    if (chosen.remaining <= 0) this.queue = this.queue.filter((q) => q !== chosen);
    return chosen.spec;
  }
}
