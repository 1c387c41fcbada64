// Per function: throughput, batch and step durations, retries, consumer lag, and its processes.
import type { DashboardSpec } from '../grafana.ts';
import { lagPerGroup, perFunctionProcess, perMinute, perSecond, quantile, RATE_INTERVAL } from '../promql.ts';

const FN = 'fn=~"$fn"';

export const functions: DashboardSpec = {
  uid: 'streamforge-functions',
  title: 'StreamForge / Functions: throughput and lag',
  description: "Each function's records in and out, batch and step durations, retries, consumer lag, memory and CPU.",
  variables: [{ name: 'fn', label: 'Function', metric: 'streamforge_function_info', labelName: 'fn' }],
  rows: [
    {
      title: 'Throughput',
      panels: [
        { title: 'Records in', description: 'Records read per second.', unit: 'ops', queries: [{ expr: perSecond('streamforge_records_in_total', 'fn', FN), legend: '{{fn}}' }] },
        {
          title: 'Records out',
          description: 'Records written per second.',
          unit: 'ops',
          queries: [{ expr: perSecond('streamforge_records_out_total', 'fn', FN), legend: '{{fn}}' }],
        },
        {
          title: 'Failed and dead-lettered records',
          description: 'Failed: read again. Dead-lettered: sent to the dead-letter topic with their reason.',
          unit: 'ops',
          queries: [
            { expr: perSecond('streamforge_records_failed_total', 'fn', FN), legend: '{{fn}} failed' },
            { expr: perSecond('streamforge_records_dead_lettered_total', 'fn', FN), legend: '{{fn}} dead-lettered' },
          ],
        },
      ],
    },
    {
      title: 'Batches and steps',
      panels: [
        {
          title: 'Batch duration',
          description: 'Time to handle one consumed batch, median and 95th percentile.',
          unit: 's',
          width: 6,
          queries: [
            { expr: quantile(0.5, 'streamforge_batch_duration_seconds', 'fn', FN), legend: '{{fn}} p50' },
            { expr: quantile(0.95, 'streamforge_batch_duration_seconds', 'fn', FN), legend: '{{fn}} p95' },
          ],
        },
        {
          title: 'Step duration, last hour',
          description: 'Duration of the steps that ended in the trailing hour, median and 95th percentile.',
          unit: 's',
          width: 6,
          queries: [
            { expr: quantile(0.5, 'streamforge_step_duration_seconds', 'fn', FN, '1h'), legend: '{{fn}} p50' },
            { expr: quantile(0.95, 'streamforge_step_duration_seconds', 'fn', FN, '1h'), legend: '{{fn}} p95' },
          ],
        },
        {
          title: 'Steps ended by outcome',
          description: 'Steps ended per minute: finished, error, cancelled, interrupted.',
          unit: 'opm',
          stacked: true,
          width: 6,
          queries: [{ expr: perMinute('streamforge_steps_total', 'fn, outcome', FN), legend: '{{fn}} {{outcome}}' }],
        },
        {
          title: 'Step retries',
          description: 'Step attempts that failed and were retried, per minute.',
          unit: 'opm',
          width: 6,
          queries: [{ expr: perMinute('streamforge_step_retries_total', 'fn', FN), legend: '{{fn}}' }],
        },
      ],
    },
    {
      title: 'Consumer lag',
      panels: [
        {
          title: 'Lag by consumer group',
          description: 'Records not yet committed (end offset minus committed offset), per group; each partition counted once.',
          unit: 'short',
          width: 12,
          queries: [{ expr: lagPerGroup(FN), legend: '{{fn}} {{group}}' }],
        },
        {
          title: 'Lag by topic',
          description: 'The same lag per topic: command topics, and the data topics of running workflows.',
          unit: 'short',
          width: 12,
          queries: [{ expr: `sum by (group, topic) (max by (fn, group, topic, partition) (streamforge_consumer_lag{${FN}}))`, legend: '{{group}} {{topic}}' }],
        },
      ],
    },
    {
      title: 'Processes',
      panels: [
        {
          title: 'Resident memory',
          description:
            "Resident memory of the process each function runs in (a pod in a cluster; on one machine, functions share a process). Compare with the function's memory limit.",
          unit: 'bytes',
          width: 6,
          queries: [{ expr: perFunctionProcess(FN, 'streamforge_process_resident_memory_bytes'), legend: '{{fn}} {{instance}}' }],
        },
        {
          title: 'CPU',
          description: 'CPU used by the process, in cores (1 = 100 %).',
          unit: 'percentunit',
          width: 6,
          queries: [{ expr: perFunctionProcess(FN, `rate(streamforge_process_cpu_seconds_total[${RATE_INTERVAL}])`), legend: '{{fn}} {{instance}}' }],
        },
        {
          title: 'Heap used',
          description: "V8's heap in use.",
          unit: 'bytes',
          width: 6,
          queries: [{ expr: perFunctionProcess(FN, 'streamforge_nodejs_heap_size_used_bytes'), legend: '{{fn}} {{instance}}' }],
        },
        {
          title: 'Event-loop lag, p99',
          description: "99th percentile of the event loop's delay: high values mean the function blocks its own process (training, large batches).",
          unit: 's',
          width: 6,
          queries: [{ expr: perFunctionProcess(FN, 'streamforge_nodejs_eventloop_lag_p99_seconds'), legend: '{{fn}} {{instance}}' }],
        },
      ],
    },
  ],
};
