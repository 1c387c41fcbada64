// Prometheus's scrape configuration, generated from the function registry. One job, `streamforge`,
// whichever way it finds its targets:
//   - in a cluster and against `streamforge cluster up`'s API server: Kubernetes pod discovery in the
//     platform's namespace, every function's own container on its service port (on the process node,
//     the loopback port it recorded on the pod);
//   - beside `streamforge up` (everything in one process, /metrics on the API port): a file of targets.
// Targets carry `namespace`, `pod`, `component` (the function) and `job`, never `fn`: metrics carry
// their own `fn`, which a target label of that name would push aside as `exported_fn`.
// `npm run manifests` writes observability/prometheus/; `cluster up` writes its own beside its state.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';
import { PORT_ANNOTATION } from '../node/pod-files.ts';
import { deployed } from './cluster.ts';
import { NAMESPACE, PART_OF } from './names.ts';
import { manifestFile, unwrapReasons, why } from './yaml.ts';

export const SCRAPE_JOB = 'streamforge';
export const PROMETHEUS_DIR = 'observability/prometheus';
/** The alert rules, when someone has written them: every configuration loads them. */
export const ALERT_RULES = `${PROMETHEUS_DIR}/alerts.yml`;
/** The port `streamforge up` serves its API and /metrics on by default. */
const UP_PORT = 8080;

export interface PrometheusOptions {
  /** How often every target is scraped (a Prometheus duration); default 15s. */
  readonly scrapeInterval?: string;
  /** Rule files to load, relative to the configuration's directory or absolute. */
  readonly ruleFiles?: readonly string[];
}

/** Prometheus writes a pod label or annotation `a.b/c-d` as `a_b_c_d` in its discovery labels. */
const meta = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_');

/** From a discovered pod to a target: only running pods and the function's own container, labelled. */
function podRelabeling() {
  return [
    {
      source_labels: ['__meta_kubernetes_pod_phase'],
      regex: why('Running', 'a Job pod that ended keeps its address but answers nothing'),
      action: 'keep',
    },
    {
      source_labels: ['__meta_kubernetes_pod_container_name'],
      regex: why(
        deployed()
          .map((spec) => spec.name)
          .join('|'),
        "the function's own container, from the registry: not Knative's queue-proxy or another sidecar",
      ),
      action: 'keep',
    },
    {
      source_labels: ['__meta_kubernetes_pod_ip', `__meta_kubernetes_pod_annotation_${meta(PORT_ANNOTATION)}`],
      regex: why('(.+);(\\d+)', `only with ${PORT_ANNOTATION}: the process node runs each pod on a loopback port of its own; a cluster keeps the container port`),
      replacement: '$1:$2',
      target_label: '__address__',
    },
    { source_labels: ['__meta_kubernetes_namespace'], target_label: 'namespace' },
    { source_labels: ['__meta_kubernetes_pod_name'], target_label: 'pod' },
    { source_labels: ['__meta_kubernetes_pod_label_app_kubernetes_io_name'], target_label: 'component' },
  ];
}

function config(options: PrometheusOptions, job: object) {
  const interval = options.scrapeInterval ?? '15s';
  return {
    global: { scrape_interval: interval, evaluation_interval: interval },
    ...(options.ruleFiles?.length ? { rule_files: [...options.ruleFiles] } : {}),
    scrape_configs: [{ job_name: SCRAPE_JOB, metrics_path: '/metrics', ...job }],
  };
}

/** Pods found through the Kubernetes API: the in-cluster service account, or the API server a kubeconfig names. */
export function kubernetesScrapeConfig(options: PrometheusOptions & { readonly kubeconfig?: string } = {}) {
  return config(options, {
    kubernetes_sd_configs: [
      {
        role: 'pod',
        ...(options.kubeconfig ? { kubeconfig_file: options.kubeconfig } : {}),
        namespaces: { names: [NAMESPACE] },
        selectors: [{ role: 'pod', label: why(`app.kubernetes.io/part-of=${PART_OF}`, "the platform's pods, selected by the API server") }],
      },
    ],
    relabel_configs: podRelabeling(),
  });
}

/** Targets read from a JSON file (file_sd), read again whenever it changes. */
export function fileScrapeConfig(options: PrometheusOptions & { readonly targetsFile: string }) {
  return config(options, { file_sd_configs: [{ files: [options.targetsFile] }] });
}

/** The file_sd targets of `streamforge up` at `url`: one process, one /metrics, on the API port. */
export function upTargets(url: string) {
  return [{ targets: [new URL(url).host], labels: { component: 'platform' } }];
}

/** A configuration as YAML, its reasons as comments when it is checked in, under a header. */
export function prometheusYaml(header: string, object: object, options: { generated?: boolean } = {}): string {
  if (options.generated) return manifestFile(header, [object]);
  return `# ${header}\n${stringify(unwrapReasons(object), { lineWidth: 0 })}`;
}

/** Every checked-in Prometheus file, by its path from the repository root, with the alert rules when they exist. */
export function generatePrometheusFiles(root = new URL('../..', import.meta.url).pathname): Map<string, string> {
  const ruleFiles = existsSync(`${root}/${ALERT_RULES}`) ? [ALERT_RULES.slice(PROMETHEUS_DIR.length + 1)] : [];
  const targets = 'up-targets.json';
  return new Map([
    [
      `${PROMETHEUS_DIR}/prometheus.yml`,
      prometheusYaml(
        `Prometheus in the cluster: the functions' pods in ${NAMESPACE}, found through the Kubernetes API. Prometheus needs list and watch on pods there; it runs in the namespace monitoring, which the NetworkPolicies admit.`,
        kubernetesScrapeConfig({ ruleFiles }),
        { generated: true },
      ),
    ],
    [
      `${PROMETHEUS_DIR}/local.yml`,
      prometheusYaml(
        `Prometheus beside \`streamforge up\` (npm start) on this machine: scripts/prometheus/server.sh start. The targets are in ${targets}.`,
        fileScrapeConfig({ targetsFile: targets, scrapeInterval: '5s', ruleFiles }),
        { generated: true },
      ),
    ],
    [`${PROMETHEUS_DIR}/${targets}`, `${JSON.stringify(upTargets(`http://127.0.0.1:${UP_PORT}`), null, 2)}\n`],
  ]);
}

export async function writePrometheusFiles(root: string): Promise<number> {
  const files = generatePrometheusFiles(root);
  for (const [path, text] of files) {
    await mkdir(dirname(`${root}/${path}`), { recursive: true });
    await writeFile(`${root}/${path}`, text);
  }
  return files.size;
}
