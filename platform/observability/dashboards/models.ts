// Models: the registry version each function is using, and the versions the trainers register.
import type { DashboardSpec } from '../grafana.ts';

const IN_USE = 'max by (fn, model, reference) (streamforge_model_version)';

export const models: DashboardSpec = {
  uid: 'streamforge-models',
  title: 'StreamForge / Models',
  description: 'The model versions in use (e.g. the live agent on ppo@champion) and the versions registered by the trainers.',
  variables: [],
  rows: [
    {
      title: 'Models',
      panels: [
        {
          type: 'stat',
          title: 'Version in use',
          description: 'The registry version each function is using now, by the reference it follows.',
          unit: 'none',
          width: 12,
          queries: [{ expr: IN_USE, legend: '{{fn}}: {{model}}@{{reference}}' }],
        },
        {
          type: 'stat',
          title: 'Versions registered, last 24 hours',
          description: 'Versions the trainers registered in the last 24 hours (gnn-trainer: gcn, rl-agent: ppo).',
          unit: 'short',
          width: 12,
          queries: [{ expr: 'sum by (fn, model) (increase(streamforge_models_registered_total[24h]))', legend: '{{fn}}: {{model}}' }],
        },
        {
          title: 'Version in use over time',
          description: 'A step up is the moment a function swapped in a new version (a reference moved, or it was told a new one).',
          unit: 'none',
          width: 12,
          queries: [{ expr: IN_USE, legend: '{{fn}}: {{model}}@{{reference}}' }],
        },
        {
          title: 'Versions registered, last hour',
          description: 'Versions registered in the trailing hour, by trainer and model.',
          unit: 'short',
          width: 12,
          queries: [{ expr: 'sum by (fn, model) (increase(streamforge_models_registered_total[1h]))', legend: '{{fn}}: {{model}}' }],
        },
      ],
    },
  ],
};
