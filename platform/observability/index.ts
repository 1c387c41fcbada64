// The observability files `npm run manifests` writes: the alert rules for any Prometheus, the Grafana
// dashboards as JSON to import, and both packaged for a cluster (observability/kubernetes/).
import { manifestFile } from '../manifests/yaml.ts';
import { alertRulesFile } from './alerts.ts';
import { DASHBOARDS, dashboardFileName, dashboardText } from './dashboards/index.ts';
import { dashboardConfigMap, prometheusRule } from './kubernetes.ts';

export const ALERTS_FILE = 'observability/prometheus/alerts.yml';
export const GRAFANA_DIR = 'observability/grafana';
export const KUBERNETES_DIR = 'observability/kubernetes';
const SOURCE = 'platform/observability/';

/** Every generated observability file, by its path from the repository root (kustomization.yaml aside). */
export function generateObservability(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(ALERTS_FILE, alertRulesFile());
  for (const spec of DASHBOARDS) files.set(`${GRAFANA_DIR}/${dashboardFileName(spec)}`, dashboardText(spec));
  files.set(
    `${KUBERNETES_DIR}/prometheus-rule.yaml`,
    manifestFile('The alert rules of observability/prometheus/alerts.yml for the Prometheus operator.', [prometheusRule()], SOURCE),
  );
  for (const spec of DASHBOARDS) {
    const name = dashboardFileName(spec).replace(/\.json$/, '');
    files.set(`${KUBERNETES_DIR}/dashboard-${name}.yaml`, manifestFile(`Grafana dashboard "${spec.title}" for Grafana's dashboard sidecar.`, [dashboardConfigMap(spec)], SOURCE));
  }
  return files;
}

export { type PanelQuery, panelQueries } from './dashboards/index.ts';
