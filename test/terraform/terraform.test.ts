// The Terraform in terraform/ as a platform engineer receives it. Neither GKE nor the providers can be
// reached from here, so nothing is applied or validated against provider schemas: every file is parsed
// with HashiCorp's own HCL parser (the wasm build in @cdktf/hcl2json), references are resolved with its
// traversal analysis, and the infrastructure's promises (pools, releases, pins, backend) are read back.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the expected values are HCL expressions, whose "${...}" is literal text here.
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { getReferencesInExpression, parse } from '@cdktf/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Body = { readonly [key: string]: Json };

const dir = fileURLToPath(new URL('../../terraform/', import.meta.url));
// The application's manifests (generated from the function registry), which Terraform must not duplicate.
const clusterDir = fileURLToPath(new URL('../../cluster/', import.meta.url));
const FILES = [
  'apis.tf',
  'gke.tf',
  'helm.tf',
  'iam.tf',
  'kubernetes.tf',
  'locals.tf',
  'network.tf',
  'node_pools.tf',
  'outputs.tf',
  'providers.tf',
  'registry.tf',
  'variables.tf',
  'versions.tf',
];

async function parseFile(name: string, text: string): Promise<Body> {
  return (await parse(name, text)) as Body;
}

const isBody = (value: Json | undefined): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);

function body(value: Json | undefined, what: string): Body {
  if (!isBody(value)) throw new Error(`${what} is not a block`);
  return value;
}

/** The single body of a block that appears once: HCL's JSON form wraps every block in a list. */
function one(value: Json | undefined, what: string): Body {
  if (!Array.isArray(value) || value.length !== 1) throw new Error(`${what}: expected exactly one block, got ${JSON.stringify(value)}`);
  return body(value[0], what);
}

/** `kind "label" { ... }` blocks of every file, e.g. variables or outputs, by label. */
function labelled(files: readonly Body[], kind: string): Map<string, Body> {
  const found = new Map<string, Body>();
  for (const file of files) {
    for (const [label, blocks] of Object.entries(body(file[kind] ?? {}, kind))) found.set(label, one(blocks, `${kind} "${label}"`));
  }
  return found;
}

/** `kind "type" "name" { ... }` blocks (resources, data sources), keyed "type.name". */
function typed(files: readonly Body[], kind: 'resource' | 'data'): Map<string, Body> {
  const found = new Map<string, Body>();
  for (const file of files) {
    for (const [type, names] of Object.entries(body(file[kind] ?? {}, kind))) {
      for (const [name, blocks] of Object.entries(body(names, `${kind} "${type}"`))) found.set(`${type}.${name}`, one(blocks, `${kind} "${type}" "${name}"`));
    }
  }
  return found;
}

function localsOf(files: readonly Body[]): Map<string, Json> {
  const found = new Map<string, Json>();
  for (const file of files) for (const block of (file.locals ?? []) as Json[]) for (const [name, value] of Object.entries(body(block, 'locals'))) found.set(name, value);
  return found;
}

/** Every string in a parsed body that holds an expression or template ("${...}", "%{...}"), keys included. */
function expressions(value: Json, out: string[] = []): string[] {
  if (typeof value === 'string') {
    if (/[$%]\{/.test(value)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) expressions(item, out);
  } else if (isBody(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (/[$%]\{/.test(key)) out.push(key);
      expressions(item, out);
    }
  }
  return out;
}

async function referencesIn(values: readonly Json[]): Promise<string[]> {
  const refs: string[] = [];
  for (const text of values.flatMap((value) => expressions(value))) refs.push(...(await getReferencesInExpression('expr.tf', text)).map((ref) => ref.value));
  return refs;
}

/** The Kubernetes objects (kind, namespace, name) of one manifest file, every document of it. */
async function manifestObjects(path: string): Promise<{ kind: string; namespace: string | undefined; name: string }[]> {
  const documents = parseAllDocuments(await readFile(path, 'utf8'));
  return documents
    .map((document) => document.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } } | null)
    .filter((object) => object?.kind !== undefined)
    .map((object) => ({ kind: String(object?.kind), namespace: object?.metadata?.namespace, name: String(object?.metadata?.name) }));
}

/** An HCL expression's text (or a list of them) without its `#` comment lines, so a pattern reads only code. */
const code = (value: Json | undefined): string =>
  (Array.isArray(value) ? value : [value ?? ''])
    .map(String)
    .join('\n')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');

interface Config {
  readonly variables: Map<string, Body>;
  readonly outputs: Map<string, Body>;
  readonly resources: Map<string, Body>;
  readonly data: Map<string, Body>;
  readonly modules: Map<string, Body>;
  readonly locals: Map<string, Json>;
  readonly terraform: Body;
}

function configOf(files: readonly Body[]): Config {
  const terraform = files.flatMap((file) => (file.terraform ?? []) as Json[]);
  return {
    variables: labelled(files, 'variable'),
    outputs: labelled(files, 'output'),
    resources: typed(files, 'resource'),
    data: typed(files, 'data'),
    modules: labelled(files, 'module'),
    locals: localsOf(files),
    terraform: terraform.length === 1 ? body(terraform[0], 'terraform') : {},
  };
}

/** References that name nothing declared: var.X, local.X, data.T.N, module.N, and T.N for a resource type of a required provider. */
async function undeclared(files: readonly Body[], config: Config): Promise<string[]> {
  const providers = Object.keys(one(config.terraform.required_providers, 'required_providers'));
  const missing = new Set<string>();
  for (const ref of await referencesIn(files)) {
    const [head = '', second = '', third = ''] = ref.split('.');
    if (head === 'var' && !config.variables.has(second)) missing.add(`var.${second}`);
    else if (head === 'local' && !config.locals.has(second)) missing.add(`local.${second}`);
    else if (head === 'module' && !config.modules.has(second)) missing.add(`module.${second}`);
    else if (head === 'data' && !config.data.has(`${second}.${third}`)) missing.add(`data.${second}.${third}`);
    else if (providers.includes(head.split('_')[0] ?? '') && head.includes('_') && !config.resources.has(`${head}.${second}`)) missing.add(`${head}.${second}`);
  }
  return [...missing].sort();
}

describe('terraform/', () => {
  const files = new Map<string, Body>();
  let config: Config;
  const resource = (key: string): Body => {
    const found = config.resources.get(key);
    if (!found) throw new Error(`no resource ${key}`);
    return found;
  };
  const defaultOf = (name: string): Json | undefined => config.variables.get(name)?.default;

  beforeAll(async () => {
    const names = (await readdir(dir)).filter((name) => name.endsWith('.tf')).sort();
    for (const name of names) files.set(name, await parseFile(name, await readFile(`${dir}${name}`, 'utf8')));
    config = configOf([...files.values()]);
  });

  it('parses every .tf file with HashiCorp HCL, which refuses broken syntax with its own diagnostics', async () => {
    expect([...files.keys()]).toEqual(FILES);
    for (const [name, parsed] of files) expect(Object.keys(parsed).length, name).toBeGreaterThan(0);
    await expect(parseFile('broken.tf', 'resource "google_compute_network" "main" {\n  name = "x"\n')).rejects.toThrow('broken.tf:1,42-43: Unclosed configuration block');
    await expect(parseFile('broken.tf', 'variable "x" {\n  type =\n}\n')).rejects.toThrow('Invalid expression');
    await expect(parseFile('broken.tf', 'output "x" { value = 1 description = "y" }\n')).rejects.toThrow('Invalid single-argument block definition');
  });

  it('parses terraform.tfvars.example, which sets project_id and only declared variables', async () => {
    const example = await parseFile('terraform.tfvars.example', await readFile(`${dir}terraform.tfvars.example`, 'utf8'));
    expect(example.project_id).toMatch(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/);
    expect(Object.keys(example).filter((name) => !config.variables.has(name))).toEqual([]);
  });

  it('types and describes every variable, and only project_id has no default', () => {
    expect(config.variables.size).toBeGreaterThan(20);
    for (const [name, variable] of config.variables) {
      expect(variable.type, name).toMatch(/^\$\{.+\}$/s);
      expect(typeof variable.description === 'string' && variable.description.trim().length > 10, `${name} description`).toBe(true);
    }
    expect([...config.variables].filter(([, variable]) => !('default' in variable)).map(([name]) => name)).toEqual(['project_id']);
    expect(config.variables.get('location')?.validation).toHaveLength(1);
  });

  it('declares everything it references: var.*, local.*, data.*, and every <type>.<name> of its providers', async () => {
    expect(await undeclared([...files.values()], config)).toEqual([]);
  });

  it('catches what it claims to: a snippet with four undeclared references reports exactly those', async () => {
    const snippet = await parseFile(
      'bad.tf',
      [
        'resource "google_compute_subnetwork" "x" {',
        '  network = google_compute_network.nope.id',
        '  region  = "${local.nope}-${var.nope}"',
        '  name    = [for n in data.google_client_config.nope.x : n.id][0]',
        '  project = google_compute_network.main.project',
        '}',
      ].join('\n'),
    );
    expect(await undeclared([snippet], config)).toEqual(['data.google_client_config.nope', 'google_compute_network.nope', 'local.nope', 'var.nope']);
  });

  it('uses every variable and every local it declares', async () => {
    const outside = [...files.values()].map((file) => ({ ...file, variable: null }));
    const refs = await referencesIn(outside);
    const used = (prefix: string) => new Set(refs.filter((ref) => ref.startsWith(prefix)).map((ref) => ref.split('.')[1]));
    expect([...config.variables.keys()].filter((name) => !used('var.').has(name))).toEqual([]);
    expect([...config.locals.keys()].filter((name) => !used('local.').has(name))).toEqual([]);
  });

  it('stores state in GCS with a partial configuration, the bucket given at init', () => {
    const gcs = one(body(config.terraform.backend, 'backend').gcs, 'backend "gcs"');
    expect(Object.keys(body(config.terraform.backend, 'backend'))).toEqual(['gcs']);
    expect(gcs.bucket).toBeUndefined();
    expect(gcs.prefix).toBe('streamforge/gke');
  });

  it('pins Terraform and every provider with a pessimistic constraint, and uses no provider it does not pin', () => {
    expect(config.terraform.required_version).toMatch(/^>= 1\.\d+\.\d+$/);
    const providers = one(config.terraform.required_providers, 'required_providers');
    for (const name of ['google', 'helm', 'kubernetes']) {
      const provider = body(providers[name], name);
      expect(provider.source).toBe(`hashicorp/${name}`);
      expect(provider.version, name).toMatch(/^~> \d+\.\d+$/);
    }
    const types = [...config.resources.keys(), ...config.data.keys()].map((key) => key.split('_')[0]);
    expect([...new Set(types)].filter((prefix) => !(prefix && prefix in providers))).toEqual([]);
  });

  it('builds a VPC-native cluster with Workload Identity, a release channel, optional private nodes and NAT', () => {
    const cluster = resource('google_container_cluster.main');
    expect(one(cluster.workload_identity_config, 'workload_identity_config').workload_pool).toBe('${local.workload_pool}');
    expect(config.locals.get('workload_pool')).toBe('${var.project_id}.svc.id.goog');
    expect(one(cluster.release_channel, 'release_channel').channel).toBe('${var.release_channel}');
    expect(cluster.location).toBe('${var.location}');
    expect(config.locals.get('location_type')).toBe('${var.location == local.region ? "regional" : "zonal"}');
    expect(cluster.remove_default_node_pool).toBe(true);
    const ranges = one(cluster.ip_allocation_policy, 'ip_allocation_policy');
    expect([ranges.cluster_secondary_range_name, ranges.services_secondary_range_name]).toEqual(['${local.pods_range_name}', '${local.services_range_name}']);
    const subnet = resource('google_compute_subnetwork.nodes');
    expect((subnet.secondary_ip_range as Body[]).map((range) => range.range_name)).toEqual(['${local.pods_range_name}', '${local.services_range_name}']);
    const privateNodes = one(body(cluster.dynamic, 'dynamic').private_cluster_config, 'private_cluster_config');
    expect(privateNodes.for_each).toBe('${var.private_nodes ? [1] : []}');
    expect(one(privateNodes.content, 'content').enable_private_nodes).toBe(true);
    expect(resource('google_compute_router_nat.nat').count).toBe('${var.private_nodes ? 1 : 0}');
    expect(defaultOf('private_nodes')).toBe(true);
  });

  it('has an on-demand system pool, autoscaled Spot workers from zero and an optional tainted GPU pool', () => {
    const system = resource('google_container_node_pool.system');
    expect(one(system.node_config, 'system node_config').spot).toBeUndefined();
    expect(one(system.autoscaling, 'system autoscaling').total_min_node_count).toBe('${var.system_pool.min_nodes}');

    const workers = resource('google_container_node_pool.workers');
    expect(one(workers.node_config, 'workers node_config').spot).toBe(true);
    const scaling = one(workers.autoscaling, 'workers autoscaling');
    expect([scaling.total_min_node_count, scaling.total_max_node_count]).toEqual(['${var.workers_pool.min_nodes}', '${var.workers_pool.max_nodes}']);
    expect(config.variables.get('workers_pool')?.type).toMatch(/min_nodes\s*=\s*optional\(number, 0\)/);

    const gpu = resource('google_container_node_pool.gpu');
    expect(gpu.count).toBe('${var.gpu_pool.enabled ? 1 : 0}');
    expect(config.variables.get('gpu_pool')?.type).toMatch(/enabled\s*=\s*optional\(bool, false\)/);
    const gpuNodes = one(gpu.node_config, 'gpu node_config');
    expect(gpuNodes.taint).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }]);
    expect(gpuNodes.labels).toEqual({ 'streamforge.io/pool': 'gpu', 'streamforge.io/workload': 'model-trainer' });
    expect(one(gpuNodes.guest_accelerator, 'guest_accelerator').type).toBe('${var.gpu_pool.accelerator_type}');
    expect(one(gpu.autoscaling, 'gpu autoscaling').total_min_node_count).toBe(0);

    for (const pool of [system, workers, gpu]) {
      const nodes = one(pool.node_config, 'node_config');
      expect(nodes.service_account).toBe('${google_service_account.nodes.email}');
      expect(one(nodes.workload_metadata_config, 'workload_metadata_config').mode).toBe('GKE_METADATA');
    }
  });

  it('gives the nodes least privilege and each function its own Workload Identity', () => {
    const nodeRoles = resource('google_project_iam_member.nodes').for_each;
    expect(nodeRoles).toContain('roles/logging.logWriter');
    expect(nodeRoles).toContain('roles/monitoring.metricWriter');
    expect(nodeRoles).not.toMatch(/roles\/(editor|owner|storage\.admin)/);
    const pull = resource('google_artifact_registry_repository_iam_member.nodes_read');
    expect([pull.role, pull.member]).toEqual(['roles/artifactregistry.reader', '${google_service_account.nodes.member}']);
    expect(resource('google_artifact_registry_repository.functions').format).toBe('DOCKER');
    expect(Object.keys(body(config.locals.get('workloads'), 'workloads')).sort()).toEqual([
      'backtester',
      'gnn-trainer',
      'graph-builder',
      'loader',
      'loader-ws',
      'model-registry',
      'orchestrator',
      'persister',
      'rl-agent',
      'rl-agent-live',
      'visualizer',
    ]);
    expect(resource('google_service_account.workload').for_each).toBe('${local.workloads}');
    expect(resource('google_service_account_iam_member.workload_identity').for_each).toBe('${local.workloads}');
    expect(resource('google_service_account_iam_member.workload_identity').member).toBe('serviceAccount:${local.workload_pool}[${local.app_namespace}/${each.key}]');
    expect(resource('google_storage_bucket_iam_member.model_registry').member).toBe('${google_service_account.workload["model-registry"].member}');
  });

  it("leaves the application's namespace and ServiceAccounts to cluster/, and prints the commands that annotate them", async () => {
    // cluster/ creates the namespace and the ServiceAccounts; Terraform binds to exactly those names.
    const namespaces = (await manifestObjects(`${clusterDir}00-namespace.yaml`)).filter((object) => object.kind === 'Namespace');
    expect(namespaces.map((object) => object.name)).toEqual(['streamforge']);
    expect(config.locals.get('app_namespace')).toBe('streamforge');
    expect(config.variables.has('app_namespace')).toBe(false);
    const accounts = (await manifestObjects(`${clusterDir}10-service-accounts.yaml`)).filter((object) => object.kind === 'ServiceAccount');
    expect(accounts.every((object) => object.namespace === 'streamforge')).toBe(true);
    const inCluster = accounts.map((object) => object.name);
    expect(config.locals.get('cluster_service_accounts')).toEqual(inCluster);
    // Every ServiceAccount of cluster/ has a Google service account; model-registry is the reserved one without a ServiceAccount yet.
    const workloads = Object.keys(body(config.locals.get('workloads'), 'workloads'));
    expect(inCluster.filter((name) => !workloads.includes(name))).toEqual([]);
    expect(workloads.filter((name) => !inCluster.includes(name))).toEqual(['model-registry']);

    // Terraform creates no ServiceAccount and not the application's namespace.
    expect([...config.resources.keys()].filter((key) => key.startsWith('kubernetes_service_account'))).toEqual([]);
    expect(Object.values(body(config.locals.get('namespaces'), 'namespaces'))).not.toContain('streamforge');
    expect(resource('kubernetes_namespace_v1.this').for_each).toBe('${local.namespaces}');
    expect([...config.resources.keys()].filter((key) => key.startsWith('kubernetes_namespace'))).toEqual(['kubernetes_namespace_v1.this']);

    const annotate = config.outputs.get('workload_identity_annotations');
    expect(annotate?.value).toBe(
      '${[\n    for ksa in local.cluster_service_accounts :\n    "kubectl annotate serviceaccount --namespace ${local.app_namespace} ${ksa} iam.gke.io/gcp-service-account=${google_service_account.workload[ksa].email} --overwrite"\n  ]}',
    );
    expect(annotate?.description).toMatch(/after `kubectl apply -k cluster\/`/);
  });

  it('declares none of the kinds cluster/ declares: the platform chart is Knative only, and no Kafka or ArangoDB setting remains', async () => {
    const clusterKinds = new Set<string>();
    for (const name of (await readdir(clusterDir)).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')) {
      for (const object of await manifestObjects(`${clusterDir}${name}`)) clusterKinds.add(object.kind);
    }
    // The chart holds Knative's own resources only, none of the kinds cluster/ declares.
    const templates = (await readdir(`${dir}charts/platform/templates`)).sort();
    expect(templates).toEqual(['knative.yaml']);
    const chartKinds = (await readFile(`${dir}charts/platform/templates/knative.yaml`, 'utf8')).match(/^kind: \w+$/gm)?.map((line) => line.slice('kind: '.length));
    expect(chartKinds).toEqual(['KnativeServing', 'KnativeEventing']);
    expect(chartKinds?.filter((kind) => clusterKinds.has(kind))).toEqual([]);
    const values = (await readFile(`${dir}charts/platform/values.yaml`, 'utf8')).match(/^\w+:/gm);
    expect(values).toEqual(['knative:']);
    // No Kafka or ArangoDB settings are left behind in Terraform.
    for (const name of ['kafka', 'arangodb']) expect(config.variables.has(name), name).toBe(false);
    expect([...config.locals.keys()].filter((name) => /kafka|arango/.test(name))).toEqual([]);
    expect([...config.outputs.keys()].filter((name) => /kafka|arango/.test(name))).toEqual([]);
  });

  it('installs Strimzi, KEDA, the Knative operator, kube-arangodb and MinIO at exact chart versions', () => {
    const releases = {
      strimzi: ['strimzi-kafka-operator', 'strimzi_chart_version'],
      keda: ['keda', 'keda_chart_version'],
      knative_operator: ['knative-operator', 'knative_operator_chart_version'],
      kube_arangodb: ['kube-arangodb', 'kube_arangodb_chart_version'],
      minio: ['minio', 'minio_chart_version'],
    } as const;
    for (const [name, [chart, version]] of Object.entries(releases)) {
      const release = resource(`helm_release.${name}`);
      expect(release.chart, name).toBe(chart);
      expect(release.version, name).toBe(`\${var.${version}}`);
      expect(defaultOf(version), version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(release.repository, name).toMatch(/^\$\{local\.chart_repositories\.\w+\}$/);
    }
    const repositories = body(config.locals.get('chart_repositories'), 'chart_repositories');
    expect(Object.values(repositories).every((url) => typeof url === 'string' && url.startsWith('https://'))).toBe(true);
  });

  it('lets Strimzi and kube-arangodb reconcile the Kafka and ArangoDeployment that cluster/ puts in namespace streamforge', async () => {
    const kafka = await manifestObjects(`${clusterDir}50-kafka.yaml`);
    expect(kafka.filter((object) => object.kind === 'Kafka').map((object) => object.namespace)).toEqual(['streamforge']);
    const arango = await manifestObjects(`${clusterDir}60-arangodb.yaml`);
    expect(arango.filter((object) => object.kind === 'ArangoDeployment').map((object) => object.namespace)).toEqual(['streamforge']);

    // Strimzi: cluster-wide, because namespace streamforge does not exist yet when the chart installs;
    // the restricted pod security provider, because that namespace enforces the restricted standard.
    const strimzi = resource('helm_release.strimzi');
    expect(strimzi.namespace).toBe('${kubernetes_namespace_v1.this["strimzi"].metadata[0].name}');
    const strimziValues = code(strimzi.values);
    expect(strimziValues).toMatch(/watchAnyNamespace\s*=\s*true/);
    expect(strimziValues).not.toMatch(/watchNamespaces/);
    expect(strimziValues).toMatch(/extraEnvs\s*=\s*\[\{\s*name\s*=\s*"STRIMZI_POD_SECURITY_PROVIDER_CLASS",\s*value\s*=\s*"restricted"\s*\}\]/);

    // kube-arangodb watches only the namespace it runs in, so it runs in streamforge; Helm creates that
    // namespace only if missing, outside Terraform's state, and cluster/ takes it over.
    const arangodb = resource('helm_release.kube_arangodb');
    expect(arangodb.namespace).toBe('${local.app_namespace}');
    expect(arangodb.create_namespace).toBe(true);
    const arangoValues = code(arangodb.values);
    expect(arangoValues).toMatch(/scope\s*=\s*"legacy"/);
    expect(arangoValues).toMatch(/deployment\s*=\s*true/);

    // The other releases keep to namespaces Terraform creates.
    for (const name of ['keda', 'knative_operator', 'minio', 'platform']) {
      expect(resource(`helm_release.${name}`).namespace, name).toMatch(/^\$\{kubernetes_namespace_v1\.this\["\w+"\]\.metadata\[0\]\.name\}$/);
      expect(resource(`helm_release.${name}`).create_namespace, name).toBeUndefined();
    }
  });

  it('creates Knative Serving and Eventing with the Kafka source through the operator, after the operator', async () => {
    const platform = resource('helm_release.platform');
    expect(platform.chart).toBe('${path.module}/charts/platform');
    expect(platform.depends_on).toEqual(['${helm_release.knative_operator}']);
    expect(platform.values).toEqual([expect.stringMatching(/kafkaSource\s+=\s+true/)]);
    expect(code(platform.values)).not.toMatch(/kafka\s*=|arangodb\s*=|nodeSelector/);
    expect(await readFile(`${dir}charts/platform/Chart.yaml`, 'utf8')).toMatch(/^version: \d+\.\d+\.\d+$/m);
    const knative = await readFile(`${dir}charts/platform/templates/knative.yaml`, 'utf8');
    expect(knative.match(/^kind: \w+$/gm)).toEqual(['kind: KnativeServing', 'kind: KnativeEventing']);
    expect(knative.match(/^apiVersion: .+$/gm)).toEqual(['apiVersion: operator.knative.dev/v1beta1', 'apiVersion: operator.knative.dev/v1beta1']);
    expect(knative).toMatch(/ {4}kafka:\n {6}enabled: \{\{ \.kafkaSource \}\}/);
  });

  it('outputs what the next steps need, each described', () => {
    for (const [name, output] of config.outputs) expect(typeof output.description === 'string' && output.description.length > 0, name).toBe(true);
    expect([...config.outputs.keys()]).toEqual(
      expect.arrayContaining([
        'cluster_name',
        'cluster_endpoint',
        'cluster_location',
        'get_credentials_command',
        'artifact_registry_url',
        'image_registry',
        'workload_identity_service_accounts',
        'workload_identity_annotations',
        'minio_endpoint',
      ]),
    );
    expect(config.outputs.get('get_credentials_command')?.value).toMatch(/^gcloud container clusters get-credentials \$\{google_container_cluster\.main\.name\} --location /);
    expect(config.outputs.get('image_registry')?.value).toBe('${google_artifact_registry_repository.functions.registry_uri}');
    expect(config.outputs.get('minio_endpoint')?.value).toBe('http://${helm_release.minio.name}.${local.namespaces.minio}.svc:9000');
    expect(body(config.locals.get('namespaces'), 'namespaces').minio).toBe('minio');
    expect(resource('helm_release.minio').name).toBe('minio');
    expect(code(resource('helm_release.minio').values)).toMatch(/mode\s*=\s*"standalone"[\s\S]*existingSecret\s*=\s*kubernetes_secret_v1\.minio_root\.metadata\[0\]\.name/);
  });

  const terraform = spawnSync('terraform', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  it.skipIf(terraform.error !== undefined)('is formatted as `terraform fmt` writes it (where a terraform binary is installed)', () => {
    const fmt = spawnSync('terraform', ['fmt', '-check', '-recursive', dir], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect(fmt.stdout).toBe('');
    expect(fmt.status).toBe(0);
  });
});
