// The MinIO of the suite (started by the global setup, or given by S3_ENDPOINT), and servers of a test's own.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { S3ObjectStore, type S3ObjectStoreOptions } from '../../shared/adapters/s3/s3-object-store.ts';

const run = promisify(execFile);
const script = new URL('../../scripts/minio/server.sh', import.meta.url).pathname;

export interface S3Settings {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export function suiteMinio(): S3Settings {
  const { S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION } = process.env;
  if (!S3_ENDPOINT || !AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new Error('S3_ENDPOINT and AWS credentials are not set: run the MinIO suite through `npm test` (it starts MinIO) or point it at a server');
  }
  return { endpoint: S3_ENDPOINT, accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY, region: AWS_REGION ?? 'us-east-1' };
}

/** A bucket name no other test uses. */
export const freshBucket = (label: string) => `sf-${label}-${randomUUID().slice(0, 8)}`;

export function s3Store(settings: S3Settings, bucket: string, options: Partial<S3ObjectStoreOptions> = {}): S3ObjectStore {
  return new S3ObjectStore({
    endpoint: settings.endpoint,
    region: settings.region,
    bucket,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    forcePathStyle: true,
    ...options,
  });
}

/** The environment that points the platform at this MinIO (OBJECT_STORE=s3). */
export function s3Env(settings: S3Settings, bucket: string): Record<string, string> {
  return {
    OBJECT_STORE: 's3',
    S3_ENDPOINT: settings.endpoint,
    S3_BUCKET: bucket,
    AWS_ACCESS_KEY_ID: settings.accessKeyId,
    AWS_SECRET_ACCESS_KEY: settings.secretAccessKey,
    AWS_REGION: settings.region,
  };
}

/** A MinIO of a test's own, on a kept directory, so the test can stop it and start it again. */
export async function ownMinio(dir: string, port: number): Promise<{ settings: S3Settings; stop(): Promise<void>; start(): Promise<void> }> {
  const start = async () => {
    const { stdout } = await run('bash', [script, 'start', '--port', String(port), '--dir', dir], { timeout: 600_000 });
    const env = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { endpoint: env.S3_ENDPOINT!, accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY!, region: env.AWS_REGION! };
  };
  const settings = await start();
  return {
    settings,
    stop: async () => void (await run('bash', [script, 'stop', '--port', String(port)], { timeout: 60_000 })),
    start: async () => void (await start()),
  };
}

/** An ordinary S3 client: curl signing its requests with AWS Signature Version 4. */
export async function curlS3(path: string, extra: readonly string[] = []): Promise<string> {
  const s3 = suiteMinio();
  const { stdout } = await run('curl', [
    '-sS',
    '--fail-with-body',
    '--aws-sigv4',
    `aws:amz:${s3.region}:s3`,
    '--user',
    `${s3.accessKeyId}:${s3.secretAccessKey}`,
    ...extra,
    `${s3.endpoint}${path}`,
  ]);
  return stdout;
}
