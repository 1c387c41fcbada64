// The model registry's contract on the embedded ports: files, SQLite and the in-memory bus.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelRegistryContract } from '../../test/contracts/model-registry.contract.ts';
import { FsObjectStore } from '../adapters/embedded/fs-object-store.ts';
import { MemoryBus } from '../adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../adapters/embedded/sqlite-store.ts';
import { parseModelReference } from '../contracts/models.ts';
import { Instrumentation } from '../harness/instrumentation.ts';
import { silentLogger } from '../logger.ts';

let root = '';
modelRegistryContract(
  'embedded',
  async () => {
    root = await mkdtemp(join(tmpdir(), 'sf-registry-'));
    const ports = {
      store: new SqliteStore(join(root, 'store.db')),
      objects: new FsObjectStore(join(root, 'objects')),
      bus: new MemoryBus(),
      logger: silentLogger,
      instrumentation: new Instrumentation(),
    };
    return { ...ports, close: async () => void (await Promise.all([ports.store.close(), ports.bus.close()])) };
  },
  async (_ports, key, body) => writeFile(join(root, 'objects', key), body),
);

describe('model references', () => {
  it.each([
    ['models:/gcn/3', { name: 'gcn', kind: 'version', version: 3 }],
    ['gcn/3', { name: 'gcn', kind: 'version', version: 3 }],
    ['models:/gcn@champion', { name: 'gcn', kind: 'alias', alias: 'champion' }],
    ['models:/gcn/latest', { name: 'gcn', kind: 'latest' }],
    ['gcn', { name: 'gcn', kind: 'latest' }],
  ])('reads %s', (text, expected) => {
    expect(parseModelReference(text)).toEqual(expected);
  });

  it.each([
    ['models:/GCN/1', '"models:/GCN/1": model name must be 1-63 lower-case letters'],
    ['models:/gcn/0', '"models:/gcn/0": version must be a positive whole number or "latest"'],
    ['models:/gcn/v2', '"models:/gcn/v2": version must be a positive whole number or "latest"'],
    ['models:/gcn@Champion', '"models:/gcn@Champion": alias must be 1-32 lower-case letters'],
    ['models:/gcn@latest', '"models:/gcn@latest": alias "latest" always means the newest version'],
    ['s3://bucket/gcn', '"s3://bucket/gcn" is not a model reference'],
  ])('refuses %s', (text, message) => {
    expect(() => parseModelReference(text)).toThrow(message);
  });
});
