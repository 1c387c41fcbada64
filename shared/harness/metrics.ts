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
  const latency = new Histogram({
    name: 'streamforge_live_latency_seconds',
    help: "Live records: from the exchange's event time to published on the data topic",
    labelNames: ['fn', 'stream'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [registry],
  });
  const reconnects = new Counter({ name: 'streamforge_live_reconnects_total', help: 'Live stream connections lost and reopened', labelNames: ['fn'], registers: [registry] });
  const resyncs = new Counter({
    name: 'streamforge_live_book_resyncs_total',
    help: 'Order books rebuilt from a snapshot after a sequence gap',
    labelNames: ['fn'],
    registers: [registry],
  });
  const backfilled = new Counter({ name: 'streamforge_live_backfilled_total', help: 'Records a live stream missed, fetched from REST', labelNames: ['fn'], registers: [registry] });
  const skipped = new Counter({
    name: 'streamforge_live_skipped_total',
    help: 'Stream messages skipped: not JSON or not a followed stream',
    labelNames: ['fn', 'reason'],
    registers: [registry],
  });
  const unsubscribes = [
    instrumentation.on('live.published', (e) => {
      for (const ms of e.latenciesMs) latency.observe({ fn: e.fn, stream: e.stream }, ms / 1000);
    }),
    instrumentation.on('live.reconnected', (e) => reconnects.inc({ fn: e.fn })),
    instrumentation.on('live.resynced', (e) => resyncs.inc({ fn: e.fn }, e.count)),
    instrumentation.on('live.backfilled', (e) => backfilled.inc({ fn: e.fn }, e.records)),
    instrumentation.on('live.skipped', (e) => skipped.inc({ fn: e.fn, reason: e.reason })),
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
