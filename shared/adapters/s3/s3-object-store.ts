// S3 ObjectStore (AWS S3, MinIO, GCS's S3 interoperability, any S3-compatible server) through the AWS
// SDK v3. Uploads go through the SDK's managed upload: one PutObject for a small body, a multipart
// upload in bounded parts for a large one (aborted on failure, so nothing half-written stays behind).
// Downloads stream the response body. The bucket is created on first use when it does not exist.
import { createHash } from 'node:crypto';
import { Transform, pipeline } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { errorMessage } from '../../errors.ts';
import {
  type ObjectBody,
  type ObjectInfo,
  type ObjectStore,
  type ObjectStream,
  ObjectStoreUnavailableError,
  type PutOptions,
  type StoredObject,
} from '../../ports/object-store.ts';
import { toReadable } from '../embedded/fs-object-store.ts';

export interface S3ObjectStoreOptions {
  /** The server's URL (MinIO: http://host:9000); unset, AWS S3 for the region. */
  readonly endpoint?: string;
  readonly region: string;
  readonly bucket: string;
  /** Unset, the SDK's default chain (environment, profile, web identity / Workload Identity, instance role). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** bucket in the path (MinIO and most S3-compatible servers) rather than in the host name. */
  readonly forcePathStyle: boolean;
  /** Size of each part of a multipart upload; a body up to one part goes in a single PutObject. */
  readonly partSize?: number;
  /** Parts uploaded at once: memory held by an upload is about partSize × queueSize. */
  readonly queueSize?: number;
}

/** S3's smallest part is 5 MiB; 8 MiB parts hold a 100 MB artifact in 13 parts. */
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const DEFAULT_QUEUE_SIZE = 2;
const CONNECT_TIMEOUT_MS = 5_000;
/** Longest wait for a response (or between chunks of one): a stalled server fails the call, never hangs it. */
const REQUEST_TIMEOUT_MS = 60_000;

export class S3ObjectStore implements ObjectStore {
  readonly kind = 's3';
  readonly bucket: string;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;
  private bucketReady: Promise<void> | undefined;

  constructor(options: S3ObjectStoreOptions) {
    this.bucket = options.bucket;
    this.partSize = options.partSize ?? DEFAULT_PART_SIZE;
    this.queueSize = options.queueSize ?? DEFAULT_QUEUE_SIZE;
    this.client = new S3Client({
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
      maxAttempts: 3,
      // The registry hashes every artifact with SHA-256 itself (on upload, and again on every load); the
      // SDK's default CRC32 on each part and response, computed in JavaScript, would double that work.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    });
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<StoredObject> {
    await this.ensureBucket();
    const hash = createHash('sha256');
    let size = 0;
    // pipeline, not pipe: a body that fails destroys the measured stream with its error, so the upload
    // fails (and aborts) instead of waiting for the rest forever.
    const measured = pipeline(
      toReadable(body),
      new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          size += chunk.length;
          done(null, chunk);
        },
      }),
      () => undefined,
    );
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: measured, ...(options.contentType ? { ContentType: options.contentType } : {}) },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    const abort = () => void upload.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    try {
      await this.call(`put ${key}`, () => upload.done());
    } finally {
      options.signal?.removeEventListener('abort', abort);
      measured.destroy();
    }
    return { key, size, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const found = await this.stream(key);
    if (!found) return undefined;
    const chunks: Uint8Array[] = [];
    for await (const chunk of found.body) chunks.push(chunk);
    return new Uint8Array(Buffer.concat(chunks));
  }

  async stream(key: string): Promise<ObjectStream | undefined> {
    const response = await this.absentIfMissing(`get ${key}`, () => this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key })));
    if (!response?.Body) return undefined;
    return { size: response.ContentLength ?? 0, contentType: response.ContentType, body: response.Body as ObjectStream['body'] };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const response = await this.absentIfMissing(`head ${key}`, () => this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key })));
    return response ? { key, size: response.ContentLength ?? 0, lastModified: response.LastModified ?? new Date(0) } : undefined;
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    const found: ObjectInfo[] = [];
    let token: string | undefined;
    do {
      const page = await this.absentIfMissing(`list ${prefix}`, () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) })),
      );
      if (!page) return [];
      for (const item of page.Contents ?? []) found.push({ key: item.Key!, size: item.Size ?? 0, lastModified: item.LastModified ?? new Date(0) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.absentIfMissing(`delete ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key })));
  }

  /** The bucket answers (and exists: a fresh server gets it now, so a new deployment can become ready). */
  async ping(): Promise<void> {
    await this.ensureBucket();
    await this.call(`bucket ${this.bucket}`, () => this.client.send(new HeadBucketCommand({ Bucket: this.bucket })));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Creates the bucket once per process when it is missing; a failed attempt is tried again next time. */
  private ensureBucket(): Promise<void> {
    this.bucketReady ??= (async () => {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      } catch (error) {
        if (status(error) !== 404) throw error;
        try {
          await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
        } catch (created) {
          // Another process made it first.
          if (!(created instanceof S3ServiceException && ['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(created.name))) throw created;
        }
      }
    })().catch((error) => {
      this.bucketReady = undefined;
      throw unavailable(`bucket ${this.bucket}`, error);
    });
    return this.bucketReady;
  }

  /** Runs a call; a server that cannot be reached or fails with 5xx becomes ObjectStoreUnavailableError. */
  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw unavailable(what, error);
    }
  }

  /** Like call, but a missing key or bucket answers undefined. */
  private async absentIfMissing<T>(what: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await send();
    } catch (error) {
      if (status(error) === 404) return undefined;
      throw unavailable(what, error);
    }
  }
}

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Client errors (4xx: bad credentials, a refused key) stay as they are; the rest mean "not now". */
function unavailable(what: string, error: unknown): Error {
  const code = status(error);
  if (error instanceof ObjectStoreUnavailableError) return error;
  // A HEAD answer has no body, so the SDK names its error "UnknownError": say what the server said.
  const message = errorMessage(error);
  const said = !message || message === 'UnknownError' || (error as Error).name === 'UnknownError' ? `HTTP ${code ?? 'error'}` : message;
  if (code !== undefined && code >= 400 && code < 500) return new Error(`object store refused ${what}: ${said}`, { cause: error });
  return new ObjectStoreUnavailableError(`object store unavailable (${what}): ${said}`, { cause: error });
}
