// The visualizer's own metrics, beside the shared ones on /metrics: pages connected, and what went out.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface VisualizerMetrics {
  clients(count: number): void;
  relayed(kind: string, records: number): void;
}

export function visualizerMetrics(registry: Registry): VisualizerMetrics {
  const clients = new Gauge({ name: 'streamforge_visualizer_clients', help: 'Pages connected to /live', registers: [registry] });
  const relayed = new Counter({
    name: 'streamforge_visualizer_records_relayed_total',
    help: 'Live records sent to pages, once per page, by kind (candle, trade, book)',
    labelNames: ['kind'],
    registers: [registry],
  });
  return {
    clients: (count) => clients.set(count),
    relayed: (kind, records) => relayed.inc({ kind }, records),
  };
}
