// The Grafana dashboards: well-formed for Grafana (the datasource variable, ids, grid, variables defined),
// every panel's query valid PromQL naming only metrics of the catalog, each returning at least one series
// on a scrape shaped like the catalog, and the same dashboards packaged as sidecar ConfigMaps.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { CATALOG } from '../../shared/harness/metrics.ts';
import { RULE_GROUPS } from './alerts.ts';
import { DASHBOARDS, dashboardFileName, panelQueries } from './dashboards/index.ts';
import { GRAFANA_DIR, KUBERNETES_DIR } from './index.ts';
import { promtool } from '../../test/promtool.ts';

const root = new URL('../..', import.meta.url).pathname;
// biome-ignore lint/suspicious/noExplicitAny: Grafana's JSON model, read back from the files
type Json = any;

/** prom-client's default metrics the panels use (with the platform's prefix); they are not in the catalog. */
const DEFAULTS = [
  'streamforge_process_resident_memory_bytes',
  'streamforge_process_cpu_seconds_total',
  'streamforge_nodejs_heap_size_used_bytes',
  'streamforge_nodejs_eventloop_lag_p99_seconds',
];
/** A value for each label of the catalog, as a workflow and a live stream would leave them. */
const EXAMPLE: Record<string, string> = {
  fn: 'loader-ws',
  outcome: 'finished',
  group: 'loader-ws-commands',
  topic: 'queue-control-loader-ws',
  partition: '0',
  stream: 'ws_trades',
  symbol: 'BTCUSDT',
  reason: 'not_json',
  model: 'ppo',
  reference: 'champion',
  status: 'succeeded',
  step: 'loader',
  cause: 'error',
};
const TARGET = 'job="streamforge",instance="10.0.0.5:8080"';
const SAMPLES = 120;

const dashboards = new Map<string, Json>();
let scratch: string;
beforeAll(async () => {
  for (const spec of DASHBOARDS) dashboards.set(spec.uid, JSON.parse(await readFile(join(root, GRAFANA_DIR, dashboardFileName(spec)), 'utf8')));
  scratch = await mkdtemp(join(tmpdir(), 'dashboards-'));
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

const panelsOf = (dashboard: Json): Json[] => dashboard.panels.filter((p: Json) => p.type !== 'row');

/** Input series for promtool: every catalog metric once, with the process defaults, on one scrape target. */
function catalogSeries(): { series: string; values: string }[] {
  const out: { series: string; values: string }[] = [];
  const add = (name: string, labels: string, values: string) => out.push({ series: `${name}{${[TARGET, labels].filter(Boolean).join(',')}}`, values });
  for (const spec of Object.values(CATALOG)) {
    const labels = spec.labels.map((label) => `${label}="${EXAMPLE[label] ?? 'x'}"`).join(',');
    if (spec.type === 'histogram') {
      for (const le of [...(spec.buckets ?? []).map(String), '+Inf']) add(`${spec.name}_bucket`, [labels, `le="${le}"`].filter(Boolean).join(','), `0+1x${SAMPLES}`);
      add(`${spec.name}_count`, labels, `0+1x${SAMPLES}`);
      add(`${spec.name}_sum`, labels, `0+0.5x${SAMPLES}`);
    } else add(spec.name, labels, spec.type === 'counter' ? `0+1x${SAMPLES}` : `1x${SAMPLES}`);
  }
  for (const name of DEFAULTS) add(name, '', name.endsWith('_total') ? `0+1x${SAMPLES}` : `1x${SAMPLES}`);
  return out;
}

describe('Grafana dashboards', () => {
  it('are five, each on the datasource variable of type prometheus, with unique ids and a grid without overlaps', () => {
    expect([...dashboards.keys()]).toEqual(['streamforge-overview', 'streamforge-functions', 'streamforge-workflows', 'streamforge-live', 'streamforge-models']);
    for (const [uid, dashboard] of dashboards) {
      expect(dashboard.schemaVersion, uid).toBe(39);
      expect(dashboard.templating.list[0], uid).toMatchObject({ type: 'datasource', name: 'datasource', query: 'prometheus' });
      const ids = dashboard.panels.map((p: Json) => p.id);
      expect(new Set(ids).size, uid).toBe(ids.length);
      const titles = panelsOf(dashboard).map((p) => p.title);
      expect(new Set(titles).size, `${uid} panel titles`).toBe(titles.length);
      const cells = new Set<string>();
      for (const { gridPos: g, title } of dashboard.panels) {
        expect(g.x + g.w, title).toBeLessThanOrEqual(24);
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${uid}: ${title} overlaps`).toBe(false);
            cells.add(`${x},${y}`);
          }
      }
      for (const panel of panelsOf(dashboard)) {
        expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: `\${datasource}` });
        expect(panel.targets.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets) {
          expect(target.datasource).toEqual({ type: 'prometheus', uid: `\${datasource}` });
          const defined = dashboard.templating.list.map((v: Json) => v.name);
          for (const [, name] of target.expr.matchAll(/\$\{?(\w+)/g)) expect(['__rate_interval', ...defined], `${panel.title}: $${name}`).toContain(name);
        }
      }
    }
  });

  it('list every panel query once, with Grafana variables replaced', () => {
    const queries = panelQueries();
    const targets = [...dashboards.values()].flatMap((d) => panelsOf(d).flatMap((p) => p.targets));
    expect(queries).toHaveLength(targets.length);
    expect(queries.filter((q) => q.expr.includes('$'))).toEqual([]);
    expect(queries.find((q) => q.uid === 'streamforge-functions' && q.panel === 'Records in')).toEqual({
      dashboard: 'StreamForge / Functions: throughput and lag',
      uid: 'streamforge-functions',
      panel: 'Records in',
      refId: 'A',
      expr: 'sum by (fn) (rate(streamforge_records_in_total{fn=~".+"}[1m]))',
    });
  });

  it('and the alert rules name only metrics of the catalog (and prom-client defaults)', () => {
    const known = new Set([...Object.values(CATALOG).map((spec) => spec.name), ...DEFAULTS]);
    const exprs = [...panelQueries().map((q) => q.expr), ...RULE_GROUPS.flatMap((g) => g.rules.map((r) => r.expr))];
    for (const expr of exprs)
      for (const [name] of expr.matchAll(/streamforge_\w+/g)) expect(known.has(name.replace(/_(bucket|count|sum)$/, '')) || known.has(name), `${name} in ${expr}`).toBe(true);
  });

  it('have panel queries promtool parses as PromQL', async () => {
    const queries = panelQueries();
    const rules = { groups: [{ name: 'panels', rules: queries.map((q, i) => ({ record: `panel:query:${i}`, expr: q.expr })) }] };
    await writeFile(join(scratch, 'panels.yml'), stringify(rules));
    const { code, output } = await promtool(['check', 'rules', join(scratch, 'panels.yml')]);
    expect(code, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${queries.length} rules found`);
  });

  it('have panel queries that each return at least one series on a scrape shaped like the catalog', async () => {
    const tests = {
      rule_files: [],
      evaluation_interval: '15s',
      tests: [
        {
          interval: '15s',
          input_series: catalogSeries(),
          promql_expr_test: panelQueries().map((q) => ({ expr: `clamp_max(count(${q.expr}), 1)`, eval_time: '30m', exp_samples: [{ labels: '{}', value: 1 }] })),
        },
      ],
    };
    await writeFile(join(scratch, 'panels.test.yml'), stringify(tests));
    const { code, output } = await promtool(['test', 'rules', join(scratch, 'panels.test.yml')]);
    expect(code, output).toBe(0);
  });

  it('are packaged as ConfigMaps for the Grafana sidecar holding the same JSON', async () => {
    for (const spec of DASHBOARDS) {
      const file = dashboardFileName(spec);
      const [configMap] = parseAllDocuments(await readFile(join(root, KUBERNETES_DIR, `dashboard-${file.replace(/\.json$/, '')}.yaml`), 'utf8')).map((d) => d.toJS());
      expect(configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'streamforge', labels: { grafana_dashboard: '1' } } });
      expect(JSON.parse(configMap.data[file])).toEqual(dashboards.get(spec.uid));
    }
  });
});
