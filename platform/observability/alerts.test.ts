// The alert rules as Prometheus judges them: promtool accepts them, and their hand-made fixtures pass,
// a series on which each alert fires (exact labels and annotations) and healthy ones on which it stays
// quiet. A wrong expectation or a broken rule makes promtool fail, so the fixtures do catch regressions.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { RULE_GROUPS } from './alerts.ts';
import { ALERTS_FILE, KUBERNETES_DIR } from './index.ts';
import { promtool } from '../../test/promtool.ts';

const root = new URL('../..', import.meta.url).pathname;
const prometheusDir = join(root, 'observability/prometheus');
const FIXTURES = 'alerts.test.yml';
const alertNames = RULE_GROUPS.flatMap((group) => group.rules.map((rule) => rule.alert));

interface AlertTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}
interface Fixtures {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: AlertTest[] }[];
}

const readFixtures = async (): Promise<Fixtures> => parse(await readFile(join(prometheusDir, FIXTURES), 'utf8'));

const scratch: string[] = [];
afterEach(async () => {
  for (const dir of scratch.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** The rules and fixtures copied to a scratch folder, with a change made to one of them. */
async function brokenCopy(change: { fixtures?: (f: Fixtures) => void; rules?: (text: string) => string }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'alerts-'));
  scratch.push(dir);
  const fixtures = await readFixtures();
  change.fixtures?.(fixtures);
  await writeFile(join(dir, FIXTURES), stringify(fixtures));
  const rules = await readFile(join(root, ALERTS_FILE), 'utf8');
  await writeFile(join(dir, 'alerts.yml'), change.rules ? change.rules(rules) : rules);
  return dir;
}

describe('alert rules', () => {
  it('pass promtool check rules', async () => {
    const { code, output } = await promtool(['check', 'rules', join(root, ALERTS_FILE)]);
    expect(code, output).toBe(0);
    expect(output).toContain(`SUCCESS: ${alertNames.length} rules found`);
    expect(alertNames).toHaveLength(6);
  });

  it('give each alert a severity, a for and annotations naming what to look at', () => {
    for (const rule of RULE_GROUPS.flatMap((group) => group.rules)) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toMatch(/\{\{ \$labels\.(fn|step) \}\}|\{\{ \$labels\.stream \}\}/);
      expect(rule.annotations.description.length, rule.alert).toBeGreaterThan(40);
      expect(rule.annotations.runbook.length, rule.alert).toBeGreaterThan(40);
    }
  });

  it('have a firing and a quiet case for every alert in the fixtures, and pass promtool test rules', async () => {
    const cases = (await readFixtures()).tests.flatMap((test) => test.alert_rule_test ?? []);
    const firing = new Set(cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => c.alertname));
    const quiet = new Set(cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => c.alertname));
    expect([...firing].sort()).toEqual([...alertNames].sort());
    expect([...quiet].sort()).toEqual([...alertNames].sort());
    // Every firing case names its labels and all three annotations.
    for (const c of cases)
      for (const alert of c.exp_alerts ?? []) {
        expect(alert.exp_labels?.severity, c.alertname).toBeDefined();
        expect(Object.keys(alert.exp_annotations ?? {}).sort(), c.alertname).toEqual(['description', 'runbook', 'summary']);
      }

    const { code, output } = await promtool(['test', 'rules', join(prometheusDir, FIXTURES)]);
    expect(code, output).toBe(0);
    expect(output).toContain('SUCCESS');
  });

  it('fail promtool test rules when a fixture expects the wrong alert', async () => {
    const dir = await brokenCopy({
      fixtures: (f) => {
        const firing = f.tests.flatMap((t) => t.alert_rule_test ?? []).find((c) => c.alertname === 'StreamforgeCommandsWaitingAtZero' && c.exp_alerts?.length)!;
        firing.exp_alerts![0]!.exp_labels!.fn = 'loader';
      },
    });
    const { code, output } = await promtool(['test', 'rules', join(dir, FIXTURES)]);
    expect(code).not.toBe(0);
    expect(output).toMatch(/FAILED/);
    expect(output).toContain('alertname: StreamforgeCommandsWaitingAtZero');
  });

  it('fail promtool test rules when a rule loses its boundary (the quiet cases catch it)', async () => {
    // Silence measured from 9000 s instead of 900: the silent stream no longer fires.
    const dir = await brokenCopy({ rules: (text) => text.replace(/\) > 900$/m, ') > 9000') });
    const { code, output } = await promtool(['test', 'rules', join(dir, FIXTURES)]);
    expect(code).not.toBe(0);
    expect(output).toContain('alertname: StreamforgeLiveStreamSilent');
    // Lag that is not growing: without the trend, the constant and shrinking lags fire.
    const flat = await brokenCopy({ rules: (text) => text.replace(/deriv\((.*)\[5m:1m\]\) > 0/, '$1 > 0') });
    const second = await promtool(['test', 'rules', join(flat, FIXTURES)]);
    expect(second.code).not.toBe(0);
    expect(second.output).toContain('alertname: StreamforgeConsumerLagGrowing');
  });

  it('are packaged as a PrometheusRule carrying the same groups', async () => {
    const file = parse(await readFile(join(root, ALERTS_FILE), 'utf8'));
    const [rule] = parseAllDocuments(await readFile(join(root, KUBERNETES_DIR, 'prometheus-rule.yaml'), 'utf8')).map((d) => d.toJS());
    expect(rule).toMatchObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { namespace: 'streamforge' } });
    expect(rule.spec.groups).toEqual(file.groups);
  });
});
