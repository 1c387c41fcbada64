// The checked-in manifests are what the generator writes from the registry, and they keep the rules a
// cluster depends on: every Kafka trigger names its topic, no function scales past its topic's
// partitions, every pod runs non-root with limits.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FUNCTIONS } from '../registry.ts';
import { MANIFEST_DIRS, generateManifests } from './index.ts';

const root = new URL('../..', import.meta.url).pathname;
// biome-ignore lint/suspicious/noExplicitAny: manifests are arbitrary Kubernetes objects
type K8s = any;

async function checkedIn(): Promise<Map<string, K8s[]>> {
  const objects = new Map<string, K8s[]>();
  for (const path of generateManifests().keys()) {
    if (path.endsWith('kustomization.yaml')) continue;
    objects.set(
      path,
      parseAllDocuments(await readFile(`${root}/${path}`, 'utf8')).map((doc) => doc.toJS()),
    );
  }
  return objects;
}

/** Every pod template in an object: a Deployment's or StatefulSet's, a ScaledJob's, a Knative Service's. */
function podSpecs(object: K8s): K8s[] {
  if (object.kind === 'ScaledJob') return [object.spec.jobTargetRef.template.spec];
  if (['Deployment', 'StatefulSet'].includes(object.kind)) return [object.spec.template.spec];
  if (object.kind === 'Service' && object.apiVersion.startsWith('serving.knative.dev')) return [object.spec.template.spec];
  return [];
}

describe('generated manifests', () => {
  it('are checked in exactly as the generator writes them (run `npm run manifests` after changing the registry)', async () => {
    for (const [path, text] of generateManifests()) expect(await readFile(`${root}/${path}`, 'utf8'), path).toBe(text);
  });

  it('give each batch function a ScaledJob, each consumer a ScaledObject, each HTTP function a Knative Service', async () => {
    const all = [...(await checkedIn()).values()].flat();
    const kinds = (kind: string) =>
      all
        .filter((o) => o.kind === kind)
        .map((o) => o.metadata.name)
        .sort();
    expect(kinds('ScaledJob')).toEqual(
      FUNCTIONS.filter((f) => f.scaling.kind === 'job')
        .map((f) => f.name)
        .sort(),
    );
    expect(kinds('ScaledObject')).toEqual(
      FUNCTIONS.filter((f) => f.scaling.kind === 'consumer')
        .map((f) => f.name)
        .sort(),
    );
    expect(all.filter((o) => o.kind === 'Service' && o.apiVersion.startsWith('serving')).map((o) => o.metadata.name)).toEqual(
      FUNCTIONS.filter((f) => f.scaling.kind === 'service').map((f) => f.name),
    );
    expect(kinds('TriggerAuthentication')).toEqual(['kafka-scram']);
    expect(kinds('KafkaSource')).toEqual(['queue-events']);
  });

  it('name the topic in every Kafka trigger and never scale past its partitions', async () => {
    const objects = await checkedIn();
    const all = [...objects.values()].flat();
    const partitions = new Map<string, number>(all.filter((o) => o.kind === 'KafkaTopic').map((o) => [o.metadata.name, o.spec.partitions]));
    const scaled = all.filter((o) => o.kind === 'ScaledJob' || o.kind === 'ScaledObject');
    expect(scaled.length).toBeGreaterThan(0);
    for (const object of scaled) {
      for (const trigger of object.spec.triggers) {
        expect(trigger.type).toBe('kafka');
        expect(trigger.metadata.topic, `${object.metadata.name} trigger`).toMatch(/^queue-control-/);
        expect(partitions.get(trigger.metadata.topic), `${trigger.metadata.topic} is a declared KafkaTopic`).toBeGreaterThan(0);
        expect(object.spec.maxReplicaCount).toBeLessThanOrEqual(partitions.get(trigger.metadata.topic)!);
        expect(trigger.metadata).toMatchObject({ offsetResetPolicy: 'earliest', scaleToZeroOnInvalidOffset: 'false', allowIdleConsumers: 'false' });
        expect(trigger.authenticationRef.name).toBe('kafka-scram');
      }
    }
  });

  it('run every pod non-root, read-only, without privileges, with requests and limits', async () => {
    const pods = [...(await checkedIn()).values()].flat().flatMap(podSpecs);
    expect(pods.length).toBe(10);
    for (const pod of pods) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const container of pod.containers) {
        expect(container.securityContext, container.name).toMatchObject({
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources.limits, container.name).toMatchObject({ cpu: expect.any(String), memory: expect.stringMatching(/^\d+(Mi|Gi)$/) });
        expect(container.resources.requests, container.name).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
      }
    }
  });

  it('give every function a SCRAM user whose ACLs cover the topics and groups the registry says it uses', async () => {
    const users = new Map<string, K8s>(
      [...(await checkedIn()).values()]
        .flat()
        .filter((o) => o.kind === 'KafkaUser')
        .map((o) => [o.metadata.name, o]),
    );
    const loader = users.get('loader')!;
    expect(loader.spec.authentication.type).toBe('scram-sha-512');
    expect(loader.spec.authorization.acls).toEqual(
      expect.arrayContaining([
        { resource: { type: 'topic', name: 'queue-control-loader-producer', patternType: 'literal' }, operations: ['Read', 'Describe', 'Create'] },
        { resource: { type: 'topic', name: 'wf-', patternType: 'prefix' }, operations: ['Write', 'Describe', 'Create'] },
        { resource: { type: 'group', name: 'loader-producer-commands', patternType: 'literal' }, operations: ['Read', 'Describe'] },
      ]),
    );
    expect(users.get('orchestrator')!.spec.authorization.acls).toContainEqual({
      resource: { type: 'topic', name: 'wf-', patternType: 'prefix' },
      operations: ['Delete', 'Describe'],
    });
    // The trainer announces the versions it registers.
    expect(users.get('gnn-trainer')!.spec.authorization.acls).toContainEqual({
      resource: { type: 'topic', name: 'model-updates', patternType: 'literal' },
      operations: ['Write', 'Describe', 'Create'],
    });
    // The live agent publishes its decisions; the backtester writes nothing to Kafka but its events.
    expect(users.get('rl-agent-live')!.spec.authorization.acls).toContainEqual({
      resource: { type: 'topic', name: 'signals', patternType: 'literal' },
      operations: ['Write', 'Describe', 'Create'],
    });
    expect([...users.keys()].sort()).toEqual([
      'backtester',
      'gnn-trainer',
      'graph-builder',
      'keda-scaler',
      'loader',
      'loader-ws',
      'orchestrator',
      'persister',
      'queue-events-source',
      'rl-agent',
      'rl-agent-live',
      'visualizer',
    ]);
  });

  it('list every file of a folder in its kustomization', async () => {
    for (const dir of MANIFEST_DIRS) {
      const listed = parseAllDocuments(await readFile(`${root}/${dir}/kustomization.yaml`, 'utf8'))[0]!.toJS().resources as string[];
      expect(listed.sort()).toEqual(
        [...generateManifests().keys()]
          .filter((p) => p.startsWith(`${dir}/`) && !p.endsWith('kustomization.yaml'))
          .map((p) => p.slice(dir.length + 1))
          .sort(),
      );
    }
  });
});
