// The ObjectStore port: S3-shaped put/get/list/delete of binary objects. Bodies stream both ways, so an
// artifact of any size passes through a process in a bounded amount of memory; every put reports the
// size and SHA-256 of what it stored, computed while it streamed.

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

/** What a put accepts: bytes, text, or a stream of chunks (a Node Readable is one). */
export type ObjectBody = Uint8Array | string | AsyncIterable<Uint8Array>;

export interface PutOptions {
  readonly contentType?: string;
  /** Aborting stops the upload; nothing is left under the key (a multipart upload is aborted). */
  readonly signal?: AbortSignal;
}

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** Hex SHA-256 of the stored bytes. */
  readonly sha256: string;
}

export interface ObjectStream {
  readonly size: number;
  readonly contentType: string | undefined;
  /** The object's bytes, chunk by chunk; read it to the end or destroy it. */
  readonly body: AsyncIterable<Uint8Array> & { destroy?(error?: Error): void };
}

export interface ObjectStore {
  readonly kind: string;
  /** Writes the object whole or not at all: a reader never sees a half-written object. */
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<StoredObject>;
  /** The whole object in memory (small objects); undefined when there is none under the key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** The object as a stream (any size); undefined when there is none under the key. */
  stream(key: string): Promise<ObjectStream | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object whose key starts with the prefix, in key order. */
  list(prefix?: string): Promise<ObjectInfo[]>;
  /** Deleting a key that holds nothing is not an error. */
  delete(key: string): Promise<void>;
  /** Resolves when the store answers (the bucket or directory exists and can be reached). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The object store could not be reached or refused to work: retry later (HTTP 503), nothing was changed. */
export class ObjectStoreUnavailableError extends Error {
  override readonly name = 'ObjectStoreUnavailableError';
}
