// The bus as Prometheus sees it, read at scrape time: consumer lag per group, topic and partition, and
// how many topics the bus holds (data topics of ended workflows are deleted, so this stays bounded).
import { Gauge, type Registry } from 'prom-client';
import type { Bus } from '../ports/bus.ts';

export interface Consumed {
  readonly group: string;
  readonly topic: string;
}

export function instrumentBus(registry: Registry, bus: Bus, consumed: () => readonly Consumed[]): void {
  new Gauge({
    name: 'streamforge_consumer_lag',
    help: 'Records not yet committed by a consumer group: end offset minus committed offset',
    labelNames: ['group', 'topic', 'partition'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const { group, topic } of consumed()) {
        try {
          for (const p of await bus.lag(group, topic)) this.set({ group, topic, partition: String(p.partition) }, p.lag);
        } catch {
          // An unreachable bus leaves the gauge empty; /readyz reports the outage.
        }
      }
    },
  });
  new Gauge({
    name: 'streamforge_bus_topics',
    help: 'Topics on the bus, internal ones aside',
    registers: [registry],
    async collect() {
      try {
        this.set((await bus.listTopics()).length);
      } catch {
        this.reset();
      }
    },
  });
}
