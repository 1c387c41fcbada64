// The model registry's contract: the same tests on the embedded ports (files, SQLite, in-memory bus)
// and on a real MinIO (and on Kafka, for the follower), so what passes here passes in a cluster.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelUpdatesTopic } from '../../shared/contracts/models.ts';
import { consume } from '../../shared/harness/consume.ts';
import type { DeadLetterPorts } from '../../shared/harness/dead-letter.ts';
import { publish } from '../../shared/harness/publish.ts';
import { ArtifactIntegrityError, ModelNotFoundError, ModelRequestError } from '../../shared/models/errors.ts';
import { type ActiveModel, ModelFollower } from '../../shared/models/follower.ts';
import { ModelRegistry, type ModelRegistryPorts } from '../../shared/models/registry.ts';
import type { LoadedModel } from '../../shared/models/verify.ts';
import { defineTopic } from '../../shared/contracts/topic.ts';
import { z } from 'zod';

export interface RegistryPorts extends ModelRegistryPorts, DeadLetterPorts {
  close(): Promise<void>;
}

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** A tfjs layers model (one dense unit over `weights.length` inputs) as model.json and its weight shard. */
export function tinyTfjsModel(weights: readonly number[], bias = 0): { modelJson: string; shard: Uint8Array<ArrayBuffer> } {
  const modelJson = JSON.stringify({
    format: 'layers-model',
    generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'tiny',
        layers: [{ class_name: 'Dense', config: { units: 1, activation: 'linear', use_bias: true, name: 'dense', batch_input_shape: [null, weights.length], dtype: 'float32' } }],
      },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'dense/kernel', shape: [weights.length, 1], dtype: 'float32' },
          { name: 'dense/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ],
  });
  return { modelJson, shard: new Uint8Array(new Float32Array([...weights, bias]).buffer) };
}

/** The tiny model's prediction: its weights applied to an input, read back from the verified artifacts. */
export function linearModel(loaded: LoadedModel): (x: readonly number[]) => number {
  const shard = loaded.files.get('group1-shard1of1.bin')!;
  const values = new Float32Array(shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength));
  const bias = values.at(-1)!;
  return (x) => x.reduce((sum, xi, i) => sum + xi * values[i]!, bias);
}

export function tinyArtifacts(weights: readonly number[]) {
  const { modelJson, shard } = tinyTfjsModel(weights);
  return [
    { path: 'model.json', body: modelJson, contentType: 'application/json' },
    { path: 'group1-shard1of1.bin', body: shard, contentType: 'application/octet-stream' },
  ];
}

/** A registration as the HTTP API takes it: the tiny model's files as `artifact` parts, and `metadata`. */
export function registrationForm(weights: readonly number[], metadata?: unknown): FormData {
  const { modelJson, shard } = tinyTfjsModel(weights);
  const form = new FormData();
  form.append('artifact', new Blob([modelJson], { type: 'application/json' }), 'model.json');
  form.append('artifact', new Blob([shard], { type: 'application/octet-stream' }), 'group1-shard1of1.bin');
  if (metadata !== undefined) form.append('metadata', typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  return form;
}

const lineage = { workflow_id: 'wf-20240801-a1b2c3', symbols: ['BTCUSDT', 'ETHUSDT'], time_range: '2024-08-01:2024-08-02' };

/**
 * `makePorts` gives fresh ports (their own bucket or directory); `tamper` overwrites an object behind the
 * registry's back, as someone with write access to the bucket could.
 */
export function modelRegistryContract(label: string, makePorts: () => Promise<RegistryPorts>, tamper: (ports: RegistryPorts, key: string, body: Uint8Array) => Promise<void>) {
  describe(`model registry: ${label}`, () => {
    let ports: RegistryPorts;
    let registry: ModelRegistry;
    beforeAll(async () => {
      ports = await makePorts();
      registry = new ModelRegistry(ports);
    });
    afterAll(async () => ports.close());

    it('registers, lists, resolves an alias and loads back the same bytes, with checksums and lineage', async () => {
      const { modelJson, shard } = tinyTfjsModel([0.5, -1, 2]);
      const v1 = await registry.register({
        name: 'gcn-roundtrip',
        artifacts: tinyArtifacts([0.5, -1, 2]),
        framework: 'tfjs',
        hyperparameters: { hidden: 32, lr: 0.001 },
        metrics: { val_loss: 0.25, accuracy: 0.61 },
        lineage,
      });
      expect(v1).toMatchObject({
        name: 'gcn-roundtrip',
        version: 1,
        uri: 'models:/gcn-roundtrip/1',
        framework: 'tfjs',
        hyperparameters: { hidden: 32, lr: 0.001 },
        metrics: { val_loss: 0.25, accuracy: 0.61 },
        lineage,
        aliases: [],
        prefix: 'models/gcn-roundtrip/versions/1/artifacts/',
      });
      expect(v1.artifacts).toEqual([
        { path: 'group1-shard1of1.bin', size: 16, sha256: sha256(shard) },
        { path: 'model.json', size: Buffer.byteLength(modelJson), sha256: sha256(modelJson) },
      ]);
      const sums = `${sha256(shard)}  group1-shard1of1.bin\n${sha256(modelJson)}  model.json\n`;
      expect(v1.sha256).toBe(sha256(sums));
      expect(Date.now() - Date.parse(v1.created_at)).toBeLessThan(60_000);

      await registry.register({ name: 'gcn-roundtrip', artifacts: tinyArtifacts([1, 1, 1]), metrics: { val_loss: 0.2 } });
      const moved = await registry.setAlias('gcn-roundtrip', 'champion', 1);
      expect(moved).toMatchObject({ version: 1, aliases: ['champion'] });

      expect(await registry.listModels()).toContainEqual({ name: 'gcn-roundtrip', created_at: expect.any(String), latest_version: 2, aliases: { champion: 1 } });
      expect((await registry.versions('gcn-roundtrip')).map((v) => [v.version, v.aliases])).toEqual([
        [1, ['champion']],
        [2, []],
      ]);
      for (const [reference, version] of [
        ['models:/gcn-roundtrip@champion', 1],
        ['gcn-roundtrip@champion', 1],
        ['models:/gcn-roundtrip/2', 2],
        ['models:/gcn-roundtrip/latest', 2],
        ['gcn-roundtrip', 2],
      ] as const) {
        expect((await registry.resolve(reference)).version, reference).toBe(version);
      }

      const loaded = await registry.load('models:/gcn-roundtrip@champion');
      expect(new TextDecoder().decode(loaded.files.get('model.json'))).toBe(modelJson);
      expect(loaded.files.get('group1-shard1of1.bin')).toEqual(shard);
      // 0.5·2 − 1·1 + 2·0.5 = 1, read from the loaded weights.
      expect(linearModel(loaded)([2, 1, 0.5])).toBeCloseTo(1, 6);

      // What an S3 user sees beside the artifacts: sha256sum's SHA256SUMS and the version's metadata.
      expect(new TextDecoder().decode(await ports.objects.get('models/gcn-roundtrip/versions/1/SHA256SUMS'))).toBe(sums);
      expect(JSON.parse(new TextDecoder().decode(await ports.objects.get('models/gcn-roundtrip/versions/1/version.json')))).toMatchObject({
        uri: 'models:/gcn-roundtrip/1',
        sha256: v1.sha256,
        lineage,
      });
    });

    it('refuses to load a tampered artifact, naming it and both checksums', async () => {
      const version = await registry.register({ name: 'gcn-tampered', artifacts: tinyArtifacts([1, 2, 3]) });
      const forged = new Uint8Array(new Float32Array([9, 9, 9, 9]).buffer);
      await tamper(ports, `${version.prefix}group1-shard1of1.bin`, forged);
      const refused = registry.load('models:/gcn-tampered/1');
      await expect(refused).rejects.toBeInstanceOf(ArtifactIntegrityError);
      await expect(registry.load('models:/gcn-tampered/1')).rejects.toThrow(
        `artifact "group1-shard1of1.bin" of models:/gcn-tampered/1 does not match the registry: sha256 ${sha256(forged)} (16 bytes) where ${version.artifacts[0]!.sha256} (16 bytes) was registered`,
      );
    });

    it('gives ten parallel registrations of one model the versions 1..10, each exactly once', async () => {
      const registered = await Promise.all(Array.from({ length: 10 }, (_, i) => registry.register({ name: 'gcn-parallel', artifacts: tinyArtifacts([i]), metrics: { run: i } })));
      expect(registered.map((v) => v.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const versions = await registry.versions('gcn-parallel');
      expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      // Each version holds the artifacts of the registration that got its number.
      for (const v of registered) {
        const loaded = await registry.load(v);
        expect(linearModel(loaded)([1])).toBe(v.metrics.run);
      }
    });

    it('answers unknown models, versions and aliases as not found, and an alias to a missing version as a bad request', async () => {
      await registry.register({ name: 'gcn-errors', artifacts: tinyArtifacts([1]) });
      await expect(registry.resolve('models:/nope/1')).rejects.toThrow(new ModelNotFoundError('no model named nope'));
      await expect(registry.resolve('models:/gcn-errors/7')).rejects.toThrow(new ModelNotFoundError('model gcn-errors has no version 7'));
      await expect(registry.resolve('models:/gcn-errors@champion')).rejects.toThrow(new ModelNotFoundError('model gcn-errors has no alias "champion"'));
      await expect(registry.versions('nope')).rejects.toBeInstanceOf(ModelNotFoundError);
      await expect(registry.setAlias('gcn-errors', 'champion', 2)).rejects.toThrow(
        new ModelRequestError('version', 'models:/gcn-errors/2 does not exist, so @champion cannot point at it'),
      );
      await expect(registry.setAlias('gcn-errors', 'latest', 1)).rejects.toBeInstanceOf(ModelRequestError);
      await expect(registry.register({ name: 'Bad Name', artifacts: tinyArtifacts([1]) })).rejects.toMatchObject({ field: 'name' });
      await expect(registry.register({ name: 'gcn-errors', artifacts: [] })).rejects.toMatchObject({ field: 'artifacts' });
      await expect(registry.register({ name: 'gcn-errors', artifacts: [{ path: '../escape', body: 'x' }] })).rejects.toMatchObject({ field: 'artifacts[0].path' });
      await expect(registry.register({ name: 'gcn-errors', artifacts: tinyArtifacts([1]), metrics: { loss: 'low' as unknown as number } })).rejects.toMatchObject({
        field: 'metadata',
      });
      const [modelJson] = tinyArtifacts([1]);
      await expect(registry.register({ name: 'gcn-errors', artifacts: [modelJson!] })).rejects.toThrow(
        new ModelRequestError('artifacts', 'model.json names weight files that were not given: group1-shard1of1.bin'),
      );
      await expect(registry.register({ name: 'gcn-errors', artifacts: [{ path: 'weights.bin', body: 'x' }] })).rejects.toThrow(
        new ModelRequestError('artifacts', 'a tfjs version needs model.json (or say its framework in the metadata)'),
      );
      await expect(registry.register({ name: 'gcn-errors', artifacts: [{ path: 'model.json', body: '{"weightsManifest":[]}' }] })).rejects.toThrow(
        /^artifacts: model.json is not a TensorFlow.js model: modelTopology: /,
      );
      expect((await registry.versions('gcn-errors')).map((v) => v.version)).toEqual([1]);
      // Another framework's files are taken as they are.
      expect(await registry.register({ name: 'gcn-errors', framework: 'onnx', artifacts: [{ path: 'model.onnx', body: 'onnx bytes' }] })).toMatchObject({
        version: 2,
        framework: 'onnx',
      });
    });

    it('deletes a version and its files, never gives its number again, and refuses one an alias points at', async () => {
      for (const w of [1, 2, 3]) await registry.register({ name: 'gcn-deleted', artifacts: tinyArtifacts([w]) });
      await registry.setAlias('gcn-deleted', 'champion', 2);
      await expect(registry.deleteVersion('gcn-deleted', 2)).rejects.toThrow(
        new ModelRequestError('version', 'models:/gcn-deleted/2 is what @champion points at; move or remove it first'),
      );
      await registry.deleteVersion('gcn-deleted', 3);
      expect((await registry.versions('gcn-deleted')).map((v) => v.version)).toEqual([1, 2]);
      await expect(registry.resolve('models:/gcn-deleted/3')).rejects.toThrow(new ModelNotFoundError('model gcn-deleted has no version 3'));
      expect((await registry.resolve('models:/gcn-deleted/latest')).version).toBe(2);
      expect(await ports.objects.list('models/gcn-deleted/versions/3/')).toEqual([]);
      await expect(registry.deleteVersion('gcn-deleted', 3)).rejects.toBeInstanceOf(ModelNotFoundError);
      expect((await registry.register({ name: 'gcn-deleted', artifacts: tinyArtifacts([4]) })).version).toBe(4);
      expect((await registry.resolve('models:/gcn-deleted@champion')).version).toBe(2);
    });

    it('announces every new version and every alias move on model-updates', async () => {
      const heard: unknown[] = [];
      const controller = new AbortController();
      // A broker kept between runs still holds earlier runs' announcements: only this run's count.
      const since = Date.now();
      const listening = (async () => {
        for await (const batch of consume(ports, { fn: 'test', group: `announcements-${Date.now()}`, topic: modelUpdatesTopic, signal: controller.signal })) {
          for (const { value } of batch.messages) if (value.name === 'gcn-announced' && value.timestamp >= since) heard.push(value);
          if (heard.length >= 3) controller.abort();
        }
      })();
      await registry.ensureTopic();
      const v1 = await registry.register({ name: 'gcn-announced', artifacts: tinyArtifacts([1]), metrics: { sharpe: 1.5 } });
      await registry.register({ name: 'gcn-announced', artifacts: tinyArtifacts([2]) });
      await registry.setAlias('gcn-announced', 'challenger', 1);
      await Promise.race([listening, new Promise((_, reject) => setTimeout(() => reject(new Error(`heard only ${JSON.stringify(heard)}`)), 30_000))]);
      controller.abort();
      expect(heard).toEqual([
        { name: 'gcn-announced', version: 1, alias: null, uri: 'models:/gcn-announced/1', sha256: v1.sha256, metrics: { sharpe: 1.5 }, timestamp: expect.any(Number) },
        { name: 'gcn-announced', version: 2, alias: null, uri: 'models:/gcn-announced/2', sha256: expect.any(String), metrics: {}, timestamp: expect.any(Number) },
        { name: 'gcn-announced', version: 1, alias: 'challenger', uri: 'models:/gcn-announced/1', sha256: v1.sha256, metrics: { sharpe: 1.5 }, timestamp: expect.any(Number) },
      ]);
    });

    it('hot-reloads a consumer following @champion while the alias moves twice: each message once, by the version current then', async () => {
      await followerScenario(ports, registry, 'gcn-follow');
    });
  });
}

const inputTopic = defineTopic('follower-input', { schema: z.object({ seq: z.number().int(), x: z.number() }), key: () => 'one', valuesAreWire: true });

interface Handled {
  readonly seq: number;
  readonly version: number;
  readonly output: number;
  readonly at: number;
}

/**
 * A consumer follows models:/<name>@champion and scores a stream of 600 messages; the alias moves to v2
 * after about 150 messages and to v3 after about 350, while the stream flows. Checks: every message
 * scored exactly once; versions in order 1, 2, 3; no message started with a version before its move;
 * none scored by the old version after the follower heard of the move; each output is what that
 * version's weights give (w = version number).
 */
export async function followerScenario(ports: RegistryPorts, registry: ModelRegistry, name: string, topicName = `${inputTopic.name}-${name}-${Date.now()}`): Promise<void> {
  const topic = { ...inputTopic, name: topicName };
  for (const w of [1, 2, 3]) await registry.register({ name, artifacts: tinyArtifacts([w]) });
  await registry.setAlias(name, 'champion', 1);
  await ports.bus.ensureTopic(topic.name, { partitions: 1 });

  const heard: { version: number; at: number }[] = [];
  const moves: { version: number; before: number; after: number }[] = [];
  const follower = await ModelFollower.start({
    registry,
    ports,
    reference: `models:/${name}@champion`,
    load: (loaded) => linearModel(loaded),
    fn: 'follower-test',
    onSwap: (active: ActiveModel<(x: readonly number[]) => number>) => heard.push({ version: active.version.version, at: active.since }),
  });
  expect(follower.current().version.version).toBe(1);

  const total = 600;
  const handled: Handled[] = [];
  const controller = new AbortController();
  const consumer = (async () => {
    for await (const batch of consume(ports, { fn: 'follower-test', group: `scorer-${topic.name}`, topic, signal: controller.signal, maxBatchSize: 10 })) {
      for (const { value } of batch.messages) {
        await follower.use(async ({ version, model }) => {
          const at = Date.now();
          await new Promise((resolve) => setTimeout(resolve, 1)); // scoring takes a moment
          handled.push({ seq: value.seq, version: version.version, output: model([value.x]), at });
        });
      }
      await batch.commit();
      if (handled.length >= total) controller.abort();
    }
  })();

  // The producer sends a message every 2 ms or so; the alias moves while it does.
  for (let seq = 0; seq < total; seq++) {
    await publish(ports.bus, topic, [{ seq, x: 10 }]);
    if (seq === 150 || seq === 350) {
      const version = seq === 150 ? 2 : 3;
      const before = Date.now();
      await registry.setAlias(name, 'champion', version);
      moves.push({ version, before, after: Date.now() });
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.race([consumer, new Promise((_, reject) => setTimeout(() => reject(new Error(`handled ${handled.length} of ${total}`)), 60_000))]);
  controller.abort();
  await follower.stop();

  // Exactly once, in order.
  expect(handled.map((h) => h.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
  // Each output is what the version's own weights give: w·10 with w = version.
  expect(handled.every((h) => h.output === h.version * 10)).toBe(true);
  // Versions only move forward, and all three handled part of the stream.
  const versions = handled.map((h) => h.version);
  expect(versions).toEqual([...versions].sort((a, b) => a - b));
  expect(new Set(versions)).toEqual(new Set([1, 2, 3]));
  expect(heard.map((h) => h.version)).toEqual([2, 3]);
  for (const [i, move] of moves.entries()) {
    const swap = heard[i]!;
    const first = handled.find((h) => h.version === move.version)!;
    // Not before the alias moved...
    expect(first.at).toBeGreaterThanOrEqual(move.before);
    // ...swapped in once the announcement arrived (a bound that only a lost announcement would break;
    // without one, the next registry check would swap it after a minute)...
    expect(swap.at - move.after).toBeLessThan(10_000);
    // ...and from the swap on, never the old version again.
    expect(handled.filter((h) => h.at >= swap.at && h.version < move.version)).toEqual([]);
  }
}
