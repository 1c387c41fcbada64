// Fault injection for tests and chaos runs. REST faults queue and apply to matching request paths: status
// codes, malformed or replaced bodies, delays, and holds (requests that wait until the test releases them).
// Live faults (WebSocket drops, shutdowns, stalls, lifetime limits, skipped depth ids) act at once, through
// the handlers that the live side registers with onLive.
import { z } from 'zod';

const common = {
  /** Exact request path, a prefix ending in '*', or omitted for every /api path. */
  path: z.string().startsWith('/').optional(),
  /** Matching requests to let through before the fault starts applying. */
  afterRequests: z.number().int().nonnegative().default(0),
  /** Matching requests the fault applies to. */
  count: z.number().int().positive().default(1),
};

const MAX_FAULT_MS = 600_000;
const MAX_LIFETIME_MS = 7 * 86_400_000;

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
  z.object({ kind: z.literal('hold'), maxMs: z.number().int().positive().max(MAX_FAULT_MS).default(120_000), ...common }),
  /** Terminate every open WebSocket abruptly, and refuse new upgrades (503) for `refuseMs`. */
  z.object({ kind: z.literal('ws-drop'), refuseMs: z.number().int().nonnegative().max(MAX_FAULT_MS).default(0) }),
  /** Send a serverShutdown event on every connection, then close them `closeAfterMs` later. */
  z.object({ kind: z.literal('ws-shutdown'), closeAfterMs: z.number().int().nonnegative().max(MAX_FAULT_MS).default(1000) }),
  /** The symbol's next depth update id is applied to the book but never sent: its streams show a gap. */
  z.object({ kind: z.literal('depth-skip'), symbol: z.string().regex(/^[A-Z0-9]{2,20}$/) }),
  /** Hold back the messages of the named stream (every stream when omitted) for `ms`, then send them all. */
  z.object({ kind: z.literal('ws-stall'), ms: z.number().int().positive().max(MAX_FAULT_MS), stream: z.string().min(1).optional() }),
  /** Close connections older than `ms` (Binance: 24 hours). */
  z.object({ kind: z.literal('ws-lifetime'), ms: z.number().int().positive().max(MAX_LIFETIME_MS) }),
]);

export type FaultSpecInput = z.input<typeof faultSpecSchema>;
export type FaultSpec = z.output<typeof faultSpecSchema>;

const LIVE_KINDS = ['ws-drop', 'ws-shutdown', 'depth-skip', 'ws-stall', 'ws-lifetime'] as const;
export type LiveFaultSpec = Extract<FaultSpec, { kind: (typeof LIVE_KINDS)[number] }>;
export type RestFaultSpec = Exclude<FaultSpec, LiveFaultSpec>;

function isLive(spec: FaultSpec): spec is LiveFaultSpec {
  return (LIVE_KINDS as readonly string[]).includes(spec.kind);
}

interface QueuedFault {
  spec: RestFaultSpec;
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
  private readonly liveHandlers = new Set<(spec: LiveFaultSpec) => void>();

  /** Calls `handler` with every live fault injected from now on; returns the unsubscribe function. */
  onLive(handler: (spec: LiveFaultSpec) => void): () => void {
    this.liveHandlers.add(handler);
    return () => this.liveHandlers.delete(handler);
  }

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

  /** Validates and enqueues a REST fault, or applies a live one at once; throws a ZodError on bad input. */
  inject(input: FaultSpecInput): FaultSpec {
    const spec = faultSpecSchema.parse(input);
    if (isLive(spec)) {
      for (const handler of this.liveHandlers) handler(spec);
      return spec;
    }
    this.queue.push({ spec, skip: spec.afterRequests, remaining: spec.count });
    return spec;
  }

  clear(): void {
    this.queue = [];
    this.release();
  }

  /** Faults still queued, with their remaining skip and apply counts. */
  pending(): Array<RestFaultSpec & { afterRequests: number; count: number }> {
    return this.queue.map((q) => ({ ...q.spec, afterRequests: q.skip, count: q.remaining }));
  }

  /** Fault to apply to this request, if any; advances every matching fault. */
  take(path: string): RestFaultSpec | undefined {
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
