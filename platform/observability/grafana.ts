// Grafana dashboards from a small description: rows of panels, each with its PromQL queries, laid out on
// Grafana's 24-column grid, every query on the Prometheus data source the `datasource` variable picks.

/** One PromQL query of a panel and the legend of its series (`{{label}}` as Grafana writes it). */
export interface Query {
  readonly expr: string;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly type?: 'timeseries' | 'stat';
  /** Grafana's unit id: ops (per second), opm (per minute), s, bytes, percentunit, short, none. */
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Columns of 24; 8 by default. */
  readonly width?: number;
  /** A value at which the panel turns red (a stat) or draws a red line (a time series). */
  readonly redFrom?: number;
  readonly stacked?: boolean;
}

export interface RowSpec {
  readonly title: string;
  readonly panels: readonly PanelSpec[];
}

/** A variable whose values come from a label of the scraped series; "All" stands for the regex `.+`. */
export interface VariableSpec {
  readonly name: string;
  readonly label: string;
  readonly metric: string;
  readonly labelName: string;
}

export interface DashboardSpec {
  readonly uid: string;
  readonly title: string;
  readonly description: string;
  readonly variables: readonly VariableSpec[];
  readonly rows: readonly RowSpec[];
}

export const DATASOURCE_VARIABLE = 'datasource';
const datasource = { type: 'prometheus', uid: `\${${DATASOURCE_VARIABLE}}` };
const PANEL_HEIGHT = 8;
export const DASHBOARD_TAG = 'streamforge';

function thresholds(redFrom: number | undefined) {
  const steps: { color: string; value: number | null }[] = [{ color: 'green', value: null }];
  if (redFrom !== undefined) steps.push({ color: 'red', value: redFrom });
  return { mode: 'absolute', steps };
}

/** Grafana's name of a panel's i-th query: A, B, … */
export const refIdOf = (i: number) => String.fromCharCode(65 + i);

function targets(queries: readonly Query[]) {
  return queries.map((query, i) => ({
    refId: refIdOf(i),
    datasource,
    editorMode: 'code',
    expr: query.expr,
    legendFormat: query.legend,
    range: true,
  }));
}

function panel(spec: PanelSpec, id: number, gridPos: { x: number; y: number; w: number; h: number }) {
  const type = spec.type ?? 'timeseries';
  const common = { id, type, title: spec.title, description: spec.description, datasource, gridPos, targets: targets(spec.queries) };
  if (type === 'stat') {
    return {
      ...common,
      fieldConfig: { defaults: { unit: spec.unit, color: { mode: 'thresholds' }, thresholds: thresholds(spec.redFrom) }, overrides: [] },
      options: {
        reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
        colorMode: 'value',
        graphMode: 'area',
        justifyMode: 'auto',
        orientation: 'auto',
        textMode: 'auto',
        showPercentChange: false,
        wideLayout: true,
      },
    };
  }
  return {
    ...common,
    fieldConfig: {
      defaults: {
        unit: spec.unit,
        color: { mode: 'palette-classic' },
        thresholds: thresholds(spec.redFrom),
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: spec.stacked ? 30 : 10,
          showPoints: 'never',
          spanNulls: false,
          stacking: { mode: spec.stacked ? 'normal' : 'none', group: 'A' },
          thresholdsStyle: { mode: spec.redFrom === undefined ? 'off' : 'line' },
        },
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true, calcs: [] }, tooltip: { mode: 'multi', sort: 'desc' } },
  };
}

/** Rows one under the other; a row's panels left to right, wrapping at 24 columns. */
function layout(rows: readonly RowSpec[]) {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({ id: id++, type: 'row', title: row.title, collapsed: false, gridPos: { x: 0, y, w: 24, h: 1 }, panels: [] });
    y += 1;
    let x = 0;
    for (const spec of row.panels) {
      const w = spec.width ?? 8;
      if (x + w > 24) {
        x = 0;
        y += PANEL_HEIGHT;
      }
      panels.push(panel(spec, id++, { x, y, w, h: PANEL_HEIGHT }));
      x += w;
    }
    y += PANEL_HEIGHT;
  }
  return panels;
}

function variable(spec: VariableSpec) {
  const query = `label_values(${spec.metric}, ${spec.labelName})`;
  return {
    type: 'query',
    name: spec.name,
    label: spec.label,
    datasource,
    definition: query,
    query: { query, refId: 'StandardVariableQuery' },
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.+',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    options: [],
    regex: '',
    sort: 1,
    hide: 0,
  };
}

/** The dashboard's JSON model, as Grafana imports it and its sidecar loads it from a ConfigMap. */
export function dashboardJson(spec: DashboardSpec) {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: [DASHBOARD_TAG],
    editable: true,
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'utc',
    refresh: '30s',
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [{ title: 'StreamForge', type: 'dashboards', tags: [DASHBOARD_TAG], asDropdown: true, includeVars: false, keepTime: true, icon: 'external link' }],
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: 'grafana', uid: '-- Grafana --' },
          enable: true,
          hide: true,
          iconColor: 'rgba(0, 211, 255, 1)',
          name: 'Annotations & Alerts',
          type: 'dashboard',
        },
      ],
    },
    templating: {
      list: [
        {
          type: 'datasource',
          name: DATASOURCE_VARIABLE,
          label: 'Data source',
          query: 'prometheus',
          current: {},
          options: [],
          regex: '',
          refresh: 1,
          includeAll: false,
          multi: false,
          hide: 0,
        },
        ...spec.variables.map(variable),
      ],
    },
    panels: layout(spec.rows),
  };
}
