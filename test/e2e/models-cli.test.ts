// `streamforge models` as a user runs it, on the embedded registry: register a tfjs model trained
// elsewhere, inspect it, move an alias, download it with every checksum verified; a tampered artifact
// and every kind of mistake are refused with one clear line.
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../platform/free-port.ts';
import { tinyTfjsModel } from '../contracts/model-registry.contract.ts';
import { streamforge, tempDir } from '../helpers.ts';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

describe('streamforge models', () => {
  let env: Record<string, string>;
  let work: string;
  const { modelJson, shard } = tinyTfjsModel([0.5, 2]);
  beforeAll(async () => {
    work = await tempDir('sf-models-cli-');
    // No orchestrator listens on this port: the CLI uses the embedded registry in DATA_DIR.
    env = { DATA_DIR: join(work, 'data'), PORT: String(await freePort()) };
    await mkdir(join(work, 'trained'));
    await writeFile(join(work, 'trained', 'model.json'), modelJson);
    await writeFile(join(work, 'trained', 'group1-shard1of1.bin'), shard);
  });
  const models = (args: string[]) => streamforge(['models', ...args], env);

  it('registers, shows, aliases, lists and downloads, every file as it was trained', async () => {
    const registered = await models([
      'register',
      'gcn',
      join(work, 'trained', 'model.json'),
      '--metrics',
      'val_loss=0.25,sharpe=1.3',
      '--params',
      'hidden=32,optimizer=adam',
      '--workflow',
      'wf-20240801-a1b2c3',
      '--symbols',
      'BTCUSDT,ETHUSDT',
      '--range',
      '2024-08-01:2024-08-02',
      '--json',
    ]);
    expect(registered.stderr).toContain('using the registry in');
    expect(registered.code).toBe(0);
    expect(JSON.parse(registered.stdout)).toMatchObject({
      uri: 'models:/gcn/1',
      metrics: { val_loss: 0.25, sharpe: 1.3 },
      hyperparameters: { hidden: 32, optimizer: 'adam' },
      lineage: { workflow_id: 'wf-20240801-a1b2c3', symbols: ['BTCUSDT', 'ETHUSDT'], time_range: '2024-08-01:2024-08-02' },
      artifacts: [
        { path: 'group1-shard1of1.bin', size: 12, sha256: sha256(shard) },
        { path: 'model.json', size: Buffer.byteLength(modelJson), sha256: sha256(modelJson) },
      ],
    });
    expect((await models(['register', 'gcn', join(work, 'trained'), '--metrics', 'val_loss=0.2'])).stdout).toContain(
      `Registered models:/gcn/2 (2 files, ${shard.length + Buffer.byteLength(modelJson)} B).`,
    );
    expect((await models(['alias', 'gcn', 'champion', '1'])).stdout.trim()).toBe('gcn@champion → models:/gcn/1');

    const listed = await models(['list']);
    expect(listed.stdout.split('\n')[1]).toMatch(/^gcn {3}2 {7}champion→1 {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(JSON.parse((await models(['list', '--json'])).stdout)).toEqual({
      models: [{ name: 'gcn', created_at: expect.any(String), latest_version: 2, aliases: { champion: 1 } }],
    });
    const shown = await models(['show', 'models:/gcn@champion']);
    expect(shown.stdout).toContain('models:/gcn/1  (@champion)');
    expect(shown.stdout).toContain('  metrics      val_loss=0.25 sharpe=1.3');
    expect(shown.stdout).toContain('  lineage      workflow wf-20240801-a1b2c3, symbols BTCUSDT,ETHUSDT, range 2024-08-01:2024-08-02');
    expect(
      (await models(['show', 'gcn'])).stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s{2,}/)[0]),
    ).toEqual(['VERSION', '1', '2']);

    const out = join(work, 'downloaded');
    const downloaded = await models(['download', 'gcn@champion', '--out', out]);
    expect(downloaded.stdout.trim()).toBe(`Downloaded models:/gcn/1 into ${out}: 2 files, every SHA-256 as registered.`);
    expect(await readFile(join(out, 'model.json'), 'utf8')).toBe(modelJson);
    expect(new Uint8Array(await readFile(join(out, 'group1-shard1of1.bin')))).toEqual(shard);
  });

  it('refuses to download a tampered artifact, leaving no file of it', async () => {
    await models(['register', 'gcn-tampered', join(work, 'trained')]);
    await writeFile(join(env.DATA_DIR!, 'objects/models/gcn-tampered/versions/1/artifacts/group1-shard1of1.bin'), new Uint8Array(12).fill(1));
    const out = join(work, 'tampered');
    const refused = await models(['download', 'gcn-tampered/1', '--out', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(
      `streamforge models: artifact "group1-shard1of1.bin" of models:/gcn-tampered/1 arrived with sha256 ${sha256(new Uint8Array(12).fill(1))} (12 bytes), not the registered ${sha256(shard)} (12 bytes); refused`,
    );
    await expect(readFile(join(out, 'group1-shard1of1.bin'))).rejects.toThrow(/ENOENT/);
  });

  describe('mistakes', () => {
    let mistakesEnv: Record<string, string>;
    beforeAll(async () => {
      // A registry of its own: gcn with one version that @champion points at.
      mistakesEnv = { DATA_DIR: join(await tempDir('sf-models-cli-'), 'data'), PORT: env.PORT! };
      expect((await streamforge(['models', 'register', 'gcn', join(work, 'trained')], mistakesEnv)).code).toBe(0);
      expect((await streamforge(['models', 'alias', 'gcn', 'champion', '1'], mistakesEnv)).code).toBe(0);
    });

    it.each([
      [['show', 'nope'], 1, 'streamforge models: no model named nope'],
      [['alias', 'gcn', 'champion', '9'], 1, 'streamforge models: version: models:/gcn/9 does not exist, so @champion cannot point at it'],
      [['frobnicate'], 2, 'streamforge: models: unknown subcommand "frobnicate" (list, show, register, alias, download, delete)'],
      [['delete', 'gcn@champion'], 2, 'streamforge: models delete <name/version>: name the version by its number'],
      [['delete', 'gcn/1'], 1, 'streamforge models: version: models:/gcn/1 is what @champion points at; move or remove it first'],
      [['register', 'gcn'], 2, 'streamforge: models register <name> <model.json | directory>'],
      [['register', 'gcn', 'missing.json'], 2, 'streamforge: no file or directory at'],
      [['register', 'gcn', '.', '--metrics', 'loss=low'], 2, 'streamforge: --metrics: must be name=number pairs, e.g. val_loss=0.21,sharpe=1.4; "loss=low" is not'],
      [['show', 'models:/GCN/1'], 2, 'streamforge: "models:/GCN/1": model name must be 1-63 lower-case letters'],
      [['list', '--url', 'http://127.0.0.1:9'], 2, 'streamforge: --url: no orchestrator answers at http://127.0.0.1:9'],
    ])('models %j exits %i with one clear line', async (args, code, message) => {
      const outcome = await streamforge(['models', ...args], mistakesEnv);
      expect(outcome.code).toBe(code);
      expect(outcome.stderr).toContain(message);
      expect(outcome.stderr).not.toMatch(/\n\s+at /);
    });
  });
});
