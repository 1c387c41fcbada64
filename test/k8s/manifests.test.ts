// Every generated manifest is accepted by a real API server with server-side dry run (real CRD schemas,
// real admission), and a broken copy is refused with the API server's own message.
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseAllDocuments } from 'yaml';
import { MANIFEST_DIRS, generateManifests } from '../../platform/manifests/index.ts';
import { kubectl } from './kubectl.ts';

// biome-ignore lint/suspicious/noExplicitAny: manifests are arbitrary Kubernetes objects
type K8s = any;
/** Kinds whose CRDs no registry reachable here serves (scripts/k8s/crds.sh says which and why). */
const NOT_INSTALLABLE = new Set(['KafkaSource', 'ArangoDeployment']);

/** The Kubernetes manifests among the generated files (not the rule file or the dashboards' JSON). */
const objects = [...generateManifests()]
  .filter(([path]) => MANIFEST_DIRS.some((dir) => path.startsWith(`${dir}/`)) && !path.endsWith('kustomization.yaml'))
  .flatMap(([path, text]) => parseAllDocuments(text).map((doc) => ({ path, object: doc.toJS() as K8s })));

const dryRun = (object: K8s) => kubectl(['apply', '--server-side', '--field-manager=streamforge-test', '--dry-run=server', '-f', '-'], stringify(object));

describe('manifests on a real API server', () => {
  beforeAll(async () => {
    const namespace = objects.find((o) => o.object.kind === 'Namespace')!.object;
    const created = await kubectl(['apply', '--server-side', '-f', '-'], stringify(namespace));
    expect(created.code, created.stderr).toBe(0);
  });

  it.each(objects.filter((o) => !NOT_INSTALLABLE.has(o.object.kind)).map((o) => [`${o.path}: ${o.object.kind} ${o.object.metadata.name}`, o.object]))(
    'accepts %s',
    async (_name, object) => {
      const { code, stdout, stderr } = await dryRun(object);
      expect(code, stderr).toBe(0);
      expect(stdout).toMatch(/serverside-applied \(server dry run\)|created \(server dry run\)|configured \(server dry run\)|unchanged \(server dry run\)/);
    },
  );

  it('knows which kinds it cannot check here: their CRDs are not installed, and the API server says so', async () => {
    const skipped = objects.filter((o) => NOT_INSTALLABLE.has(o.object.kind));
    expect(skipped.map((o) => o.object.kind).sort()).toEqual(['ArangoDeployment', 'KafkaSource']);
    for (const { object } of skipped) expect((await dryRun(object)).stderr).toMatch(/no matches for kind|resource mapping not found/);
  });

  it.each([
    [
      'a ScaledJob with a scaling strategy KEDA does not have',
      'ScaledJob',
      (o: K8s) => (o.spec.scalingStrategy.strategy = 'fastest'),
      /spec\.scalingStrategy\.strategy: Unsupported value: "fastest"/,
    ],
    [
      'a KafkaTopic whose partitions are not a number',
      'KafkaTopic',
      (o: K8s) => (o.spec.partitions = 'three'),
      /\.spec\.partitions: expected numeric \(int or float\), got string/,
    ],
    [
      'a Knative Service whose template has no containers',
      'Service',
      (o: K8s) => (o.spec.template.spec.containers = 'none'),
      /\.spec\.template\.spec\.containers: expected list, got &{none}/,
    ],
    ['a KafkaUser with an unknown ACL operation', 'KafkaUser', (o: K8s) => (o.spec.authorization.acls[0].operations = ['Steal']), /Unsupported value: "Steal"/],
    [
      'a PrometheusRule whose alert waits "five minutes"',
      'PrometheusRule',
      (o: K8s) => (o.spec.groups[0].rules[0].for = 'five minutes'),
      /spec\.groups\[0\]\.rules\[0\]\.for in body should match/,
    ],
  ])('refuses %s with its own message', async (_name, kind, breakIt, message) => {
    const original = objects.find((o) => o.object.kind === kind && (kind !== 'Service' || o.object.apiVersion.startsWith('serving')))!.object;
    const broken = structuredClone(original);
    breakIt(broken);
    const { code, stderr } = await dryRun(broken);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(message);
  });
});
