// Model registry figures on a real MinIO: a 100 MB artifact up and down through the platform's S3
// adapter beside curl (an ordinary S3 client) in the same run, with the adapter's peak live memory;
// registering a small tfjs model; and how long after an alias moves a following consumer has swapped.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { MemoryBus } from '../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../shared/adapters/embedded/sqlite-store.ts';
import { S3ObjectStore } from '../shared/adapters/s3/s3-object-store.ts';
import { Instrumentation } from '../shared/harness/instrumentation.ts';
import { silentLogger } from '../shared/logger.ts';
import { ModelFollower } from '../shared/models/follower.ts';
import { ModelRegistry } from '../shared/models/registry.ts';
import { freePort } from '../platform/free-port.ts';
import { patternBytes, peakMemoryGrowth, sha256Of } from '../test/bytes.ts';
import { tinyArtifacts } from '../test/contracts/model-registry.contract.ts';

const run = promisify(execFile);
const script = new URL('../scripts/minio/server.sh', import.meta.url).pathname;
const MiB = 1024 * 1024;

export interface Transfer {
  readonly medianSeconds: number;
  readonly mbPerSecond: number;
}

export interface RegistryFigures {
  readonly artifactMb: number;
  readonly upload: { readonly adapter: Transfer; readonly curl: Transfer; readonly peakLiveMb: number };
  readonly download: { readonly adapter: Transfer; readonly curl: Transfer; readonly peakLiveMb: number };
  readonly registerMedianMs: number;
  readonly swapMedianMs: number;
  readonly runs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const transfer = (seconds: number[], mb: number): Transfer => ({ medianSeconds: median(seconds), mbPerSecond: mb / median(seconds) });

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

export async function benchRegistry(runs = 3): Promise<RegistryFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'sf-bench-registry-'));
  const port = await freePort();
  const { stdout } = await run('bash', [script, 'start', '--port', String(port)], { timeout: 1_800_000 });
  const env = Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const credentials = { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! };
  const bucket = 'bench';
  const objects = new S3ObjectStore({ endpoint: env.S3_ENDPOINT!, region: env.AWS_REGION!, bucket, credentials, forcePathStyle: true });
  const curl = (args: string[]) =>
    run('curl', ['-sS', '--fail', '--aws-sigv4', `aws:amz:${env.AWS_REGION}:s3`, '--user', `${credentials.accessKeyId}:${credentials.secretAccessKey}`, ...args]);
  try {
    await objects.ping();
    const size = 100 * MiB;
    const file = join(dir, 'artifact.bin');
    await pipeline(Readable.from(patternBytes(size, 3)), createWriteStream(file));
    const expected = await sha256Of(createReadStream(file));

    const up = { adapter: [] as number[], curl: [] as number[] };
    const down = { adapter: [] as number[], curl: [] as number[] };
    const download = async (key: string) => {
      const got = await sha256Of((await objects.stream(key))!.body);
      if (got.sha256 !== expected.sha256) throw new Error('the downloaded artifact differs from the uploaded one');
    };
    for (let i = 0; i < runs; i++) {
      up.adapter.push(await timed(() => objects.put(`adapter-${i}.bin`, createReadStream(file))));
      up.curl.push(await timed(() => curl(['-T', file, `${env.S3_ENDPOINT}/${bucket}/curl-${i}.bin`])));
      down.adapter.push(await timed(() => download(`adapter-${i}.bin`)));
      down.curl.push(await timed(() => curl(['-o', '/dev/null', `${env.S3_ENDPOINT}/${bucket}/curl-${i}.bin`])));
    }
    // Memory on runs of their own: sampling it (a full collection every 50 ms) would slow the timed ones.
    const upPeak = (await peakMemoryGrowth(() => objects.put('memory.bin', createReadStream(file)))).growth;
    const downPeak = (await peakMemoryGrowth(() => download('memory.bin'))).growth;

    // Registration and hot reload, with the store and bus embedded: what MinIO adds is in the figures above.
    const ports = { store: new SqliteStore(join(dir, 'store.db')), objects, bus: new MemoryBus(), logger: silentLogger, instrumentation: new Instrumentation() };
    const registry = new ModelRegistry(ports);
    const registerMs: number[] = [];
    for (let i = 0; i < 10; i++) registerMs.push((await timed(() => registry.register({ name: 'bench', artifacts: tinyArtifacts([i]) }))) * 1000);
    await registry.setAlias('bench', 'champion', 1);
    let swapped: (() => void) | undefined;
    const follower = await ModelFollower.start({ registry, ports, reference: 'models:/bench@champion', load: () => ({}), onSwap: () => swapped?.() });
    const swapMs: number[] = [];
    for (let version = 2; version <= 10; version++) {
      const done = new Promise<void>((resolve) => (swapped = resolve));
      const started = performance.now();
      await registry.setAlias('bench', 'champion', version);
      await done;
      swapMs.push(performance.now() - started);
    }
    await follower.stop();
    await ports.store.close();
    await ports.bus.close();
    return {
      artifactMb: size / 1e6,
      upload: { adapter: transfer(up.adapter, size / 1e6), curl: transfer(up.curl, size / 1e6), peakLiveMb: upPeak / 1e6 },
      download: { adapter: transfer(down.adapter, size / 1e6), curl: transfer(down.curl, size / 1e6), peakLiveMb: downPeak / 1e6 },
      registerMedianMs: median(registerMs),
      swapMedianMs: median(swapMs),
      runs,
    };
  } finally {
    await objects.close();
    await run('bash', [script, 'stop', '--port', String(port)], { timeout: 60_000 });
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) console.log(JSON.stringify(await benchRegistry(), null, 2));
