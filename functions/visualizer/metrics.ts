// The visualizer's own metrics, beside the shared ones on /metrics: pages connected, and what went out.
import type { Registry } from 'prom-client';
import { CATALOG, counter, gauge } from '../../shared/harness/metrics.ts';

export interface VisualizerMetrics {
  clients(count: number): void;
  relayed(kind: string, records: number): void;
}

export function visualizerMetrics(registry: Registry): VisualizerMetrics {
  const clients = gauge(registry, CATALOG.visualizerClients);
  const relayed = counter(registry, CATALOG.visualizerRelayed);
  // At zero from the start for every kind a page can be sent, so a query finds them before the first page.
  for (const kind of ['candle', 'trade', 'book']) relayed.inc({ kind }, 0);
  return {
    clients: (count) => clients.set(count),
    relayed: (kind, records) => relayed.inc({ kind }, records),
  };
}
