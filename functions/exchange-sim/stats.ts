// Cumulative counters exposed at GET /sim/stats.

export interface SimStatsSnapshot {
  requests: Record<string, number>;
  responses: Record<string, number>;
  totalWeight: number;
  tradesServed: Record<string, number>;
}

export class SimStats {
  private data: SimStatsSnapshot = { requests: {}, responses: {}, totalWeight: 0, tradesServed: {} };

  request(path: string): void {
    this.data.requests[path] = (this.data.requests[path] ?? 0) + 1;
  }

  response(status: number): void {
    const key = String(status);
    this.data.responses[key] = (this.data.responses[key] ?? 0) + 1;
  }

  weight(w: number): void {
    this.data.totalWeight += w;
  }

  trades(symbol: string, n: number): void {
    this.data.tradesServed[symbol] = (this.data.tradesServed[symbol] ?? 0) + n;
  }

  snapshot(): SimStatsSnapshot {
    return structuredClone(this.data);
  }

  reset(): void {
    this.data = { requests: {}, responses: {}, totalWeight: 0, tradesServed: {} };
  }
}
