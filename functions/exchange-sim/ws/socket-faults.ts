// WebSocket faults in force: refused upgrades, stalled streams and the connection lifetime limit, and
// the one-off actions (drop every connection, announce a shutdown) that the socket server carries out.
// Durations are wall-clock ms: they model the network and the exchange's servers, not the market.
import type { LiveFaultSpec } from '../faults.ts';

/** Binance closes every connection after 24 hours. */
export const DEFAULT_LIFETIME_MS = 86_400_000;

export type SocketFaultSpec = Exclude<LiveFaultSpec, { kind: 'depth-skip' }>;

interface Stall {
  readonly stream: string | undefined;
  readonly until: number;
}

export class SocketFaults {
  private lifetime = DEFAULT_LIFETIME_MS;
  private refuseUntil = 0;
  private stalls: Stall[] = [];
  private readonly listeners = new Set<(spec: SocketFaultSpec) => void>();

  /** Connections older than this are closed. */
  get lifetimeMs(): number {
    return this.lifetime;
  }

  apply(spec: SocketFaultSpec): void {
    const now = Date.now();
    if (spec.kind === 'ws-drop') this.refuseUntil = Math.max(this.refuseUntil, now + spec.refuseMs);
    else if (spec.kind === 'ws-lifetime') this.lifetime = spec.ms;
    else if (spec.kind === 'ws-stall') this.stalls = [...this.stalls.filter((s) => s.until > now), { stream: spec.stream, until: now + spec.ms }];
    for (const listener of [...this.listeners]) listener(spec);
  }

  /** New upgrades are refused (503) until this passes. */
  refusing(now = Date.now()): boolean {
    return now < this.refuseUntil;
  }

  /** Messages of `stream` are held back right now. */
  stalled(stream: string, now = Date.now()): boolean {
    return this.stalls.some((s) => s.until > now && (s.stream === undefined || s.stream === stream));
  }

  /** Calls `listener` with each fault applied from now on; returns the unsubscribe function. */
  onApply(listener: (spec: SocketFaultSpec) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
