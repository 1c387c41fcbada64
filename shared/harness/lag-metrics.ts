// Consumer lag per group, topic and partition as a Prometheus gauge, read from the bus at scrape time.
import { Gauge, type Registry } from 'prom-client';
import type { Bus } from '../ports/bus.ts';

export interface Consumed {
  readonly group: string;
  readonly topic: string;
}

export function instrumentLag(registry: Registry, bus: Bus, consumed: () => readonly Consumed[]): void {
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
}
