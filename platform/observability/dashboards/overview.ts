// The pipeline at a glance: what runs, records through it, dead letters, steps and workflows, lag.
import type { DashboardSpec } from '../grafana.ts';
import { lagPerGroup, perMinute, perSecond } from '../promql.ts';

export const overview: DashboardSpec = {
  uid: 'streamforge-overview',
  title: 'StreamForge / Pipeline overview',
  description: 'Records in and out of every function, dead letters, steps by outcome, workflows running and ended, consumer lag.',
  variables: [],
  rows: [
    {
      title: 'Now',
      panels: [
        {
          type: 'stat',
          title: 'Functions running',
          description: 'Functions with at least one running instance (streamforge_function_info).',
          unit: 'none',
          width: 4,
          queries: [{ expr: 'count(count by (fn) (streamforge_function_info))', legend: 'functions' }],
        },
        {
          type: 'stat',
          title: 'Workflows running',
          description: 'Workflows accepted and not yet ended.',
          unit: 'none',
          width: 4,
          queries: [{ expr: 'sum(streamforge_workflows_running)', legend: 'running' }],
        },
        {
          type: 'stat',
          title: 'Records in',
          description: 'Records read per second by every function, from topics or from the exchange.',
          unit: 'ops',
          width: 4,
          queries: [{ expr: perSecond('streamforge_records_in_total', ''), legend: 'in' }],
        },
        {
          type: 'stat',
          title: 'Records out',
          description: 'Records written per second: published or stored by steps, published by live streams.',
          unit: 'ops',
          width: 4,
          queries: [{ expr: perSecond('streamforge_records_out_total', ''), legend: 'out' }],
        },
        {
          type: 'stat',
          title: 'Dead letters, last hour',
          description: 'Records sent to the dead-letter topic in the last hour, by every function.',
          unit: 'short',
          width: 4,
          redFrom: 1,
          queries: [{ expr: 'sum(increase(streamforge_records_dead_lettered_total[1h]))', legend: 'dead letters' }],
        },
        {
          type: 'stat',
          title: 'Topics on the bus',
          description: 'Topics on the bus, internal ones aside: data topics come and go with workflows.',
          unit: 'none',
          width: 4,
          queries: [{ expr: 'max(streamforge_bus_topics)', legend: 'topics' }],
        },
      ],
    },
    {
      title: 'Records',
      panels: [
        {
          title: 'Records in by function',
          description: 'Records read per second.',
          unit: 'ops',
          queries: [{ expr: perSecond('streamforge_records_in_total', 'fn'), legend: '{{fn}}' }],
        },
        {
          title: 'Records out by function',
          description: 'Records written per second.',
          unit: 'ops',
          queries: [{ expr: perSecond('streamforge_records_out_total', 'fn'), legend: '{{fn}}' }],
        },
        {
          title: 'Failed and dead-lettered records',
          description: 'Failed: records of a batch whose handling failed, to be read again. Dead-lettered: records that can never be handled.',
          unit: 'ops',
          queries: [
            { expr: perSecond('streamforge_records_failed_total', 'fn'), legend: '{{fn}} failed' },
            { expr: perSecond('streamforge_records_dead_lettered_total', 'fn'), legend: '{{fn}} dead-lettered' },
          ],
        },
      ],
    },
    {
      title: 'Steps and workflows',
      panels: [
        {
          title: 'Steps ended by outcome',
          description: 'Steps ended per minute by every function: finished, error, cancelled, interrupted.',
          unit: 'opm',
          stacked: true,
          width: 6,
          queries: [{ expr: perMinute('streamforge_steps_total', 'outcome'), legend: '{{outcome}}' }],
        },
        {
          title: 'Workflows running over time',
          description: 'Workflows accepted and not yet ended.',
          unit: 'none',
          width: 6,
          queries: [{ expr: 'sum(streamforge_workflows_running)', legend: 'running' }],
        },
        {
          title: 'Workflows ended by status',
          description: 'Workflows ended per minute: succeeded, failed, cancelled.',
          unit: 'opm',
          stacked: true,
          width: 6,
          queries: [{ expr: perMinute('streamforge_workflows_ended_total', 'status'), legend: '{{status}}' }],
        },
        {
          title: 'Consumer lag by group',
          description: 'Records not yet committed, per function and consumer group (command groups: commands waiting or running).',
          unit: 'short',
          width: 6,
          queries: [{ expr: lagPerGroup(), legend: '{{fn}} {{group}}' }],
        },
      ],
    },
  ],
};
