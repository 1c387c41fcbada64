// The alerts and dashboards packaged for a cluster: a PrometheusRule for the Prometheus operator, and a
// ConfigMap per dashboard for Grafana's dashboard sidecar.
import { NAMESPACE, PART_OF } from '../manifests/names.ts';
import { why } from '../manifests/yaml.ts';
import { RULE_GROUPS } from './alerts.ts';
import { dashboardFileName, dashboardText } from './dashboards/index.ts';
import type { DashboardSpec } from './grafana.ts';

export const PROMETHEUS_RULE = 'streamforge-alerts';
/** The label Grafana's sidecar (kube-prometheus-stack, the Grafana chart) looks for by default. */
export const DASHBOARD_LABEL = 'grafana_dashboard';
/** The folder the sidecar files the dashboards in, when told to read it (`folderAnnotation`). */
export const FOLDER_ANNOTATION = 'grafana_folder';

export function prometheusRule() {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: PROMETHEUS_RULE,
      namespace: NAMESPACE,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        role: why('alert-rules', "a Prometheus picks rules by its ruleSelector: match these labels, or add the one yours asks for (kube-prometheus-stack's: release)"),
      },
    },
    spec: { groups: RULE_GROUPS },
  };
}

export const dashboardConfigMapName = (spec: DashboardSpec) => `streamforge-dashboard-${dashboardFileName(spec).replace(/\.json$/, '')}`;

export function dashboardConfigMap(spec: DashboardSpec) {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: dashboardConfigMapName(spec),
      namespace: NAMESPACE,
      labels: {
        'app.kubernetes.io/part-of': PART_OF,
        [DASHBOARD_LABEL]: why('1', "Grafana's sidecar loads every ConfigMap with this label (searchNamespace: ALL, or this namespace)"),
      },
      annotations: { [FOLDER_ANNOTATION]: 'StreamForge' },
    },
    data: { [dashboardFileName(spec)]: dashboardText(spec) },
  };
}
