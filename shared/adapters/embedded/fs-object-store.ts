// Embedded ObjectStore: objects as files under a local directory, written to a temporary file and
// renamed into place, so a reader never sees half an object.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectBody, ObjectInfo, ObjectStore, ObjectStream, PutOptions, StoredObject } from '../../ports/object-store.ts';

/** S3's safe key characters, no empty segment, no `.`/`..` segment, no leading slash. */
const KEY = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))(?!.*\/\/)[A-Za-z0-9!_.*'()@=/-]{1,1024}$/;
const PARTIAL = '.partial';

export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs';
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<StoredObject> {
    const file = this.file(key);
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}${PARTIAL}`;
    const hash = createHash('sha256');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(toReadable(body), measure, createWriteStream(temp), ...(options.signal ? [{ signal: options.signal }] : []));
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return { key, size, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return ifExists(async () => new Uint8Array(await readFile(this.file(key))));
  }

  async stream(key: string): Promise<ObjectStream | undefined> {
    const file = this.file(key);
    return ifExists(async () => {
      const info = await stat(file);
      return { size: info.size, contentType: undefined, body: createReadStream(file, { highWaterMark: 1 << 20 }) };
    });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    return ifExists(async () => {
      const info = await stat(this.file(key));
      return info.isFile() ? { key, size: info.size, lastModified: info.mtime } : undefined;
    });
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    const entries = (await ifExists(() => readdir(this.root, { recursive: true }))) ?? [];
    const found: ObjectInfo[] = [];
    for (const entry of entries) {
      const key = entry.split(sep).join('/');
      if (!key.startsWith(prefix) || key.endsWith(PARTIAL)) continue;
      const info = await ifExists(() => stat(join(this.root, entry)));
      if (info?.isFile()) found.push({ key, size: info.size, lastModified: info.mtime });
    }
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async ping(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await access(this.root);
  }

  async close(): Promise<void> {}

  private file(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid object key "${key}"`);
    const file = join(this.root, key);
    if (relative(this.root, file).startsWith('..')) throw new Error(`object key "${key}" escapes the store`);
    return file;
  }
}

/** Any body as a Node stream of Buffers. */
export function toReadable(body: ObjectBody): Readable {
  if (typeof body === 'string' || body instanceof Uint8Array) return Readable.from([Buffer.from(body)]);
  return body instanceof Readable ? body : Readable.from(body, { objectMode: false });
}

async function ifExists<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}
