// The ObjectStore contract: the filesystem adapter and the S3 adapter (against a real MinIO) pass these
// same tests, the 100 MB streaming cases included.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../shared/ports/object-store.ts';
import { patternBytes, peakMemoryGrowth, sha256Of } from '../bytes.ts';

const MiB = 1024 * 1024;

const HELLO_SHA256 = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'; // sha256("hello"), published test vector
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function objectStoreContract(name: string, makeStore: () => Promise<ObjectStore>) {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    const prefix = `contract-${randomUUID().slice(0, 8)}/`;
    beforeAll(async () => {
      store = await makeStore();
    });
    afterAll(async () => store.close());

    it('puts and gets bytes and text, reporting size and SHA-256 of what it stored', async () => {
      expect(await store.put(`${prefix}a/hello.txt`, 'hello', { contentType: 'text/plain' })).toEqual({ key: `${prefix}a/hello.txt`, size: 5, sha256: HELLO_SHA256 });
      const bytes = new Uint8Array([0, 1, 2, 255]);
      expect(await store.put(`${prefix}a/bytes.bin`, bytes)).toMatchObject({ size: 4 });
      expect(await store.get(`${prefix}a/bytes.bin`)).toEqual(bytes);
      expect(Buffer.from((await store.get(`${prefix}a/hello.txt`))!).toString()).toBe('hello');
      expect(await store.put(`${prefix}a/empty`, new Uint8Array())).toEqual({ key: `${prefix}a/empty`, size: 0, sha256: EMPTY_SHA256 });
      expect(await store.get(`${prefix}a/empty`)).toEqual(new Uint8Array());
    });

    it('answers undefined for a key that holds nothing, and deleting it is no error', async () => {
      const key = `${prefix}missing/${randomUUID()}`;
      expect(await store.get(key)).toBeUndefined();
      expect(await store.stream(key)).toBeUndefined();
      expect(await store.head(key)).toBeUndefined();
      await expect(store.delete(key)).resolves.toBeUndefined();
    });

    it('replaces on a second put, lists by prefix in key order with sizes, deletes', async () => {
      const p = `${prefix}list/`;
      await store.put(`${p}b`, 'two');
      await store.put(`${p}a`, 'one');
      await store.put(`${p}c/d`, 'four');
      await store.put(`${p}a`, 'one again');
      await store.put(`${prefix}listing-elsewhere`, 'not under the prefix');
      const listed = await store.list(p);
      expect(listed.map((o) => [o.key, o.size])).toEqual([
        [`${p}a`, 9],
        [`${p}b`, 3],
        [`${p}c/d`, 4],
      ]);
      expect(listed.every((o) => o.lastModified.getTime() > Date.now() - 600_000)).toBe(true);
      expect(await store.head(`${p}b`)).toMatchObject({ key: `${p}b`, size: 3 });
      await store.delete(`${p}b`);
      expect((await store.list(p)).map((o) => o.key)).toEqual([`${p}a`, `${p}c/d`]);
      expect(await store.list(`${prefix}nothing-here/`)).toEqual([]);
    });

    it('stores 100 MB from a stream and streams it back: same bytes, and memory stays flat both ways', async () => {
      const key = `${prefix}large/artifact.bin`;
      const size = 100 * MiB;
      const expected = await sha256Of(patternBytes(size, 7));
      const upload = await peakMemoryGrowth(() => store.put(key, patternBytes(size, 7), { contentType: 'application/octet-stream' }));
      expect(upload.result).toEqual({ key, size, sha256: expected.sha256 });
      expect((await store.head(key))?.size).toBe(size);
      const download = await peakMemoryGrowth(async () => {
        const stream = await store.stream(key);
        expect(stream?.size).toBe(size);
        return sha256Of(stream!.body);
      });
      expect(download.result).toEqual(expected);
      // A store that held the artifact in memory would grow by at least its 100 MiB either way. An S3
      // multipart upload holds up to two 8 MiB parts in flight and a third being assembled, each copied
      // once as it is put together (≤ 48 MiB), plus the stream's buffers: 64 MiB bounds it with room for
      // a busy machine; a download holds a few chunks.
      expect(upload.growth).toBeLessThan(64 * MiB);
      expect(download.growth).toBeLessThan(32 * MiB);
      await store.delete(key);
    });

    it('leaves nothing behind when the body fails part way, even past the first part of a multipart upload', async () => {
      const key = `${prefix}failed/artifact.bin`;
      async function* failing() {
        yield* patternBytes(20 * MiB, 3);
        throw new Error('the producer of the artifact died');
      }
      await expect(store.put(key, failing())).rejects.toThrow(/producer of the artifact died/);
      expect(await store.head(key)).toBeUndefined();
      expect(await store.list(`${prefix}failed/`)).toEqual([]);
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}
