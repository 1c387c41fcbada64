// The dashboards, and every panel's queries listed as plain PromQL for tests that run them against a
// real Prometheus.
import { type DashboardSpec, dashboardJson, refIdOf } from '../grafana.ts';
import { functions } from './functions.ts';
import { live } from './live.ts';
import { models } from './models.ts';
import { overview } from './overview.ts';
import { workflows } from './workflows.ts';

export const DASHBOARDS: readonly DashboardSpec[] = [overview, functions, workflows, live, models];

/** A dashboard's file name under observability/grafana/ and its ConfigMap's key: its uid without the prefix. */
export const dashboardFileName = (spec: DashboardSpec) => `${spec.uid.replace(/^streamforge-/, '')}.json`;

export const dashboardText = (spec: DashboardSpec) => `${JSON.stringify(dashboardJson(spec), null, 2)}\n`;

export interface PanelQuery {
  readonly dashboard: string;
  readonly uid: string;
  readonly panel: string;
  /** Grafana's id of the query within its panel: A, B, … */
  readonly refId: string;
  /** The query as Prometheus takes it: variables replaced by `.+` (All), `$__rate_interval` by 1m. */
  readonly expr: string;
}

/** What Grafana puts in place of its own variables when a test runs the query without Grafana. */
export const RATE_INTERVAL_FOR_TESTS = '1m';

function substitute(expr: string, spec: DashboardSpec): string {
  let out = expr.replaceAll(/\$\{__rate_interval\}|\$__rate_interval/g, RATE_INTERVAL_FOR_TESTS);
  for (const variable of spec.variables) out = out.replaceAll(new RegExp(`\\$\\{${variable.name}\\}|\\$${variable.name}\\b`, 'g'), '.+');
  if (out.includes('$')) throw new Error(`${spec.uid}: a variable the dashboard does not define is left in ${expr}`);
  return out;
}

/** Every query of every panel of every dashboard, with the dashboard's and the panel's titles. */
export function panelQueries(): PanelQuery[] {
  return DASHBOARDS.flatMap((spec) =>
    spec.rows.flatMap((row) =>
      row.panels.flatMap((panel) =>
        panel.queries.map((query, i) => ({
          dashboard: spec.title,
          uid: spec.uid,
          panel: panel.title,
          refId: refIdOf(i),
          expr: substitute(query.expr, spec),
        })),
      ),
    ),
  );
}
