// The Prometheus configuration is checked in as generated, labels targets without touching the metrics'
// own `fn`, scrapes every deployed function's container, and the NetworkPolicies let Prometheus in.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { FUNCTIONS } from '../registry.ts';
import { deployed, networkPolicies } from './cluster.ts';
import { labelsOf } from './names.ts';
import { PROMETHEUS_DIR, SCRAPE_JOB, generatePrometheusFiles, kubernetesScrapeConfig } from './prometheus.ts';
import { unwrapReasons } from './yaml.ts';

const root = new URL('../..', import.meta.url).pathname;

interface Relabel {
  source_labels?: string[];
  regex?: string;
  action?: string;
  target_label?: string;
  replacement?: string;
}

/** The selector semantics the policies use: matchLabels, and matchExpressions with In. */
function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values: string[] }[] }, labels: Record<string, string>) {
  return (
    Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every((e) => e.operator === 'In' && e.values.includes(labels[e.key]!))
  );
}

describe('Prometheus configuration', () => {
  it('is checked in exactly as the generator writes it (run `npm run manifests` after changing the registry or the alert rules)', async () => {
    for (const [path, text] of generatePrometheusFiles()) expect(await readFile(`${root}/${path}`, 'utf8'), path).toBe(text);
    const inCluster = parse(generatePrometheusFiles().get(`${PROMETHEUS_DIR}/prometheus.yml`)!);
    expect(inCluster.scrape_configs.map((job: { job_name: string }) => job.job_name)).toEqual([SCRAPE_JOB]);
  });

  it('labels each target with namespace, pod and component and never with fn, which the metrics carry themselves', () => {
    const job = unwrapReasons(kubernetesScrapeConfig()).scrape_configs[0]! as unknown as { relabel_configs: Relabel[] };
    const written = job.relabel_configs.filter((r) => r.target_label).map((r) => r.target_label);
    expect(written.sort()).toEqual(['__address__', 'component', 'namespace', 'pod']);
    expect(job.relabel_configs.find((r) => r.target_label === 'component')!.source_labels).toEqual(['__meta_kubernetes_pod_label_app_kubernetes_io_name']);
  });

  it("keeps every deployed function's container and nothing that is not a function", () => {
    const job = unwrapReasons(kubernetesScrapeConfig()).scrape_configs[0]! as unknown as { relabel_configs: Relabel[] };
    const containers = new RegExp(`^(?:${job.relabel_configs.find((r) => r.source_labels?.[0] === '__meta_kubernetes_pod_container_name')!.regex})$`);
    for (const spec of deployed()) expect(spec.name).toMatch(containers);
    for (const other of ['queue-proxy', 'istio-proxy', 'exchange-sim', 'loader-wsx']) expect(other).not.toMatch(containers);
  });

  it('takes the port the process node recorded only when the pod has it', () => {
    const job = unwrapReasons(kubernetesScrapeConfig()).scrape_configs[0]! as unknown as { relabel_configs: Relabel[] };
    const address = job.relabel_configs.find((r) => r.target_label === '__address__')!;
    expect(address.source_labels).toEqual(['__meta_kubernetes_pod_ip', '__meta_kubernetes_pod_annotation_streamforge_io_port']);
    const regex = new RegExp(`^(?:${address.regex})$`);
    expect('127.0.0.1;24561'.replace(regex, address.replacement!)).toBe('127.0.0.1:24561');
    expect('10.8.3.17;').not.toMatch(regex);
  });

  it("lets the monitoring namespace reach every function's pod on its service port, past default-deny", () => {
    const admitting = networkPolicies().map((p) => unwrapReasons(p) as { spec: { podSelector: object; ingress?: { from: object[]; ports?: { port: number }[] }[] } });
    for (const spec of FUNCTIONS.filter((f) => f.scaling.kind !== 'none')) {
      const allowed = admitting.some(
        (p) =>
          selects(p.spec.podSelector, labelsOf(spec)) &&
          (p.spec.ingress ?? []).some(
            (rule) =>
              rule.from.some((peer) => JSON.stringify(peer) === JSON.stringify({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } })) &&
              (rule.ports ?? []).some((port) => port.port === 8080),
          ),
      );
      expect(allowed, spec.name).toBe(true);
    }
  });
});
