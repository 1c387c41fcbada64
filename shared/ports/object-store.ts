// The ObjectStore port: S3-shaped put/get/list/delete of binary objects.

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date;
}

export interface ObjectStore {
  readonly kind: string;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined>;
  list(prefix?: string): Promise<ObjectInfo[]>;
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}
