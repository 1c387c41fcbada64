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

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Body = { readonly [key: string]: Json };

const dir = fileURLToPath(new URL('../../terraform/', import.meta.url));
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
    expect(Object.keys(body(config.locals.get('workloads'), 'workloads')).sort()).toEqual(['loader', 'model-registry', 'orchestrator', 'persister']);
    expect(defaultOf('app_namespace')).toBe('streamforge');
    expect(resource('google_service_account_iam_member.workload_identity').member).toBe('serviceAccount:${local.workload_pool}[${var.app_namespace}/${each.key}]');
    const annotations = body(one(resource('kubernetes_service_account_v1.workload').metadata, 'metadata').annotations, 'annotations');
    expect(annotations['iam.gke.io/gcp-service-account']).toBe('${google_service_account.workload[each.key].email}');
    expect(resource('google_storage_bucket_iam_member.model_registry').member).toBe('${google_service_account.workload["model-registry"].member}');
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

  it('creates Knative Serving and Eventing with the Kafka source through the operator, after the operators', async () => {
    const platform = resource('helm_release.platform');
    expect(platform.chart).toBe('${path.module}/charts/platform');
    expect(platform.depends_on).toEqual(['${helm_release.strimzi}', '${helm_release.knative_operator}', '${helm_release.kube_arangodb}']);
    expect(platform.values).toEqual([expect.stringMatching(/kafkaSource\s+=\s+true/)]);
    expect(await readFile(`${dir}charts/platform/Chart.yaml`, 'utf8')).toMatch(/^version: \d+\.\d+\.\d+$/m);
    const knative = await readFile(`${dir}charts/platform/templates/knative.yaml`, 'utf8');
    expect(knative.match(/^kind: \w+$/gm)).toEqual(['kind: KnativeServing', 'kind: KnativeEventing']);
    expect(knative.match(/^apiVersion: .+$/gm)).toEqual(['apiVersion: operator.knative.dev/v1beta1', 'apiVersion: operator.knative.dev/v1beta1']);
    expect(knative).toMatch(/ {4}kafka:\n {6}enabled: \{\{ \.kafkaSource \}\}/);
    const kafka = await readFile(`${dir}charts/platform/templates/kafka.yaml`, 'utf8');
    expect(kafka.match(/^kind: \w+$/gm)).toEqual(['kind: KafkaNodePool', 'kind: Kafka']);
    expect(await readFile(`${dir}charts/platform/templates/arangodb.yaml`, 'utf8')).toMatch(/^kind: ArangoDeployment$/m);
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
        'kafka_bootstrap_servers',
      ]),
    );
    expect(config.outputs.get('get_credentials_command')?.value).toMatch(/^gcloud container clusters get-credentials \$\{google_container_cluster\.main\.name\} --location /);
    expect(config.outputs.get('image_registry')?.value).toBe('${google_artifact_registry_repository.functions.registry_uri}');
    expect(config.locals.get('kafka_bootstrap')).toBe('${local.kafka_cluster_name}-kafka-bootstrap.${local.namespaces.kafka}.svc.cluster.local:9092');
  });

  const terraform = spawnSync('terraform', ['version'], { env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
  it.skipIf(terraform.error !== undefined)('is formatted as `terraform fmt` writes it (where a terraform binary is installed)', () => {
    const fmt = spawnSync('terraform', ['fmt', '-check', '-recursive', dir], { encoding: 'utf8', env: { ...process.env, CHECKPOINT_DISABLE: '1' } });
    expect(fmt.stdout).toBe('');
    expect(fmt.status).toBe(0);
  });
});
