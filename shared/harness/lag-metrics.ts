// The bus as Prometheus sees it, read at scrape time: consumer lag per group, topic and partition, and
// how many topics the bus holds (data topics of ended workflows are deleted, so this stays bounded).
import { Gauge, type Registry } from 'prom-client';
import type { Bus } from '../ports/bus.ts';
import { CATALOG } from './metrics.ts';

export interface Consumed {
  readonly group: string;
  readonly topic: string;
}

/**
 * `consumed` lists what to report (each pair once, however often listed); `ownerOf` names the function
 * that reads in a group, the lag's `fn` label.
 */
export function instrumentBus(registry: Registry, bus: Bus, consumed: () => readonly Consumed[], ownerOf: (group: string) => string): void {
  const { consumerLag, busTopics } = CATALOG;
  new Gauge({
    name: consumerLag.name,
    help: consumerLag.help,
    labelNames: consumerLag.labels,
    registers: [registry],
    async collect() {
      this.reset();
      const pairs = new Map(consumed().map((c) => [`${c.group}\n${c.topic}`, c]));
      for (const { group, topic } of pairs.values()) {
        try {
          for (const p of await bus.lag(group, topic)) this.set({ fn: ownerOf(group), group, topic, partition: String(p.partition) }, p.lag);
        } catch {
          // An unreachable bus leaves the gauge empty; /readyz reports the outage.
        }
      }
    },
  });
  new Gauge({
    name: busTopics.name,
    help: busTopics.help,
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
