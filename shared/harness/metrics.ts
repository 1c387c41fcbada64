// prom-client metrics, one registry per process, fed by harness instrumentation events.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Instrumentation } from './instrumentation.ts';

export function createRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'streamforge_' });
  return registry;
}

export function instrumentMetrics(registry: Registry, instrumentation: Instrumentation): () => void {
  const steps = new Counter({ name: 'streamforge_steps_total', help: 'Workflow steps ended, by outcome', labelNames: ['fn', 'outcome'], registers: [registry] });
  const duration = new Histogram({
    name: 'streamforge_step_duration_seconds',
    help: 'Duration of workflow steps',
    labelNames: ['fn'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 1800],
    registers: [registry],
  });
  const records = new Counter({ name: 'streamforge_records_total', help: 'Records written by ended steps', labelNames: ['fn'], registers: [registry] });
  const retries = new Counter({ name: 'streamforge_retries_total', help: 'Retried step attempts', labelNames: ['fn'], registers: [registry] });
  const deadLetters = new Counter({ name: 'streamforge_dead_letters_total', help: 'Records sent to the dead-letter topic', labelNames: ['fn'], registers: [registry] });
  const unsubscribes = [
    instrumentation.on('step.ended', (e) => {
      steps.inc({ fn: e.fn, outcome: e.outcome });
      duration.observe({ fn: e.fn }, e.seconds);
      records.inc({ fn: e.fn }, e.records);
    }),
    instrumentation.on('step.retry', (e) => retries.inc({ fn: e.fn })),
    instrumentation.on('record.dead-lettered', (e) => deadLetters.inc({ fn: e.fn })),
  ];
  return () => {
    for (const unsubscribe of unsubscribes) unsubscribe();
  };
}
