// Embedded ObjectStore: objects as files under a local directory, written atomically.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { ObjectInfo, ObjectStore } from '../../ports/object-store.ts';

const KEY = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9!_.*'()/-]{1,1024}$/;

export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs';
  private readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const file = this.file(key);
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.partial`;
    await writeFile(temp, body);
    await rename(temp, file);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(this.file(key)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async list(prefix = ''): Promise<ObjectInfo[]> {
    let entries: string[];
    try {
      entries = (await readdir(this.root, { recursive: true })) as string[];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const found: ObjectInfo[] = [];
    for (const entry of entries) {
      const key = entry.split(sep).join('/');
      if (!key.startsWith(prefix) || key.endsWith('.partial')) continue;
      const info = await stat(join(this.root, entry));
      if (info.isFile()) found.push({ key, size: info.size, lastModified: info.mtime });
    }
    return found.sort((a, b) => a.key.localeCompare(b.key));
  }

  async delete(key: string): Promise<void> {
    await rm(this.file(key), { force: true });
  }

  async close(): Promise<void> {}

  private file(key: string): string {
    if (!KEY.test(key)) throw new Error(`invalid object key "${key}"`);
    const file = join(this.root, key);
    if (relative(this.root, file).startsWith('..')) throw new Error(`object key "${key}" escapes the store`);
    return file;
  }
}
