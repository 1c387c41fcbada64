// The orchestrator's view: workflows started and ended, their durations, and each step's durations,
// endings and failures by cause.
import type { DashboardSpec } from '../grafana.ts';
import { perMinute, quantile } from '../promql.ts';

const STEP = 'step=~"$step"';

export const workflows: DashboardSpec = {
  uid: 'streamforge-workflows',
  title: 'StreamForge / Workflows',
  description: 'Workflows started and ended by status, their durations, step durations by step, step failures by cause (as the orchestrator sees them).',
  variables: [{ name: 'step', label: 'Step', metric: 'streamforge_workflow_steps_ended_total', labelName: 'step' }],
  rows: [
    {
      title: 'Workflows',
      panels: [
        {
          type: 'stat',
          title: 'Running',
          description: 'Workflows accepted and not yet ended.',
          unit: 'none',
          width: 6,
          queries: [{ expr: 'sum(streamforge_workflows_running)', legend: 'running' }],
        },
        {
          type: 'stat',
          title: 'Started, last 24 hours',
          description: 'Workflows accepted in the last 24 hours.',
          unit: 'short',
          width: 6,
          queries: [{ expr: 'sum(increase(streamforge_workflows_started_total[24h]))', legend: 'started' }],
        },
        {
          type: 'stat',
          title: 'Ended, last 24 hours',
          description: 'Workflows ended in the last 24 hours, by status.',
          unit: 'short',
          width: 12,
          queries: [{ expr: 'sum by (status) (increase(streamforge_workflows_ended_total[24h]))', legend: '{{status}}' }],
        },
        {
          title: 'Started and ended',
          description: 'Workflows started, and ended by status, per minute.',
          unit: 'opm',
          queries: [
            { expr: perMinute('streamforge_workflows_started_total', ''), legend: 'started' },
            { expr: perMinute('streamforge_workflows_ended_total', 'status'), legend: '{{status}}' },
          ],
        },
        {
          title: 'Running over time',
          description: 'Workflows accepted and not yet ended.',
          unit: 'none',
          queries: [{ expr: 'sum(streamforge_workflows_running)', legend: 'running' }],
        },
        {
          title: 'Workflow duration, last hour',
          description: 'From accepted to ended, for the workflows that ended in the trailing hour: median and 95th percentile by status.',
          unit: 's',
          queries: [
            { expr: quantile(0.5, 'streamforge_workflow_duration_seconds', 'status', '', '1h'), legend: '{{status}} p50' },
            { expr: quantile(0.95, 'streamforge_workflow_duration_seconds', 'status', '', '1h'), legend: '{{status}} p95' },
          ],
        },
      ],
    },
    {
      title: 'Steps',
      panels: [
        {
          title: 'Step duration by step, last hour',
          description: 'From dispatched to ended, for the steps that ended in the trailing hour: median and 95th percentile.',
          unit: 's',
          width: 12,
          queries: [
            { expr: quantile(0.5, 'streamforge_workflow_step_duration_seconds', 'step', STEP, '1h'), legend: '{{step}} p50' },
            { expr: quantile(0.95, 'streamforge_workflow_step_duration_seconds', 'step', STEP, '1h'), legend: '{{step}} p95' },
          ],
        },
        {
          title: 'Steps ended by step and status',
          description: 'Steps ended per minute: finished, error, cancelled.',
          unit: 'opm',
          stacked: true,
          width: 12,
          queries: [{ expr: perMinute('streamforge_workflow_steps_ended_total', 'step, status', STEP), legend: '{{step}} {{status}}' }],
        },
        {
          type: 'stat',
          title: 'Step failures by cause, last hour',
          description:
            'error: the function reported an error. not_started: no function took the command in time. silent: a started step stopped reporting. pod_failed: its pod failed (OOMKilled, image pull).',
          unit: 'short',
          width: 12,
          redFrom: 1,
          queries: [{ expr: `sum by (cause) (increase(streamforge_workflow_step_failures_total{${STEP}}[1h]))`, legend: '{{cause}}' }],
        },
        {
          title: 'Step failures by step and cause',
          description: 'Steps failed per minute, by function and cause.',
          unit: 'opm',
          width: 12,
          queries: [{ expr: perMinute('streamforge_workflow_step_failures_total', 'step, cause', STEP), legend: '{{step}} {{cause}}' }],
        },
      ],
    },
  ],
};
