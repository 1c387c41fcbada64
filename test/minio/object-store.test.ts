// The ObjectStore contract against a real MinIO through the S3 adapter, and what only S3 shows: a large
// artifact really goes up in parts, and a failed multipart upload is aborted, not left behind.
import { describe, expect, it } from 'vitest';
import { patternBytes } from '../bytes.ts';
import { objectStoreContract } from '../contracts/object-store.contract.ts';
import { curlS3, freshBucket, s3Store, suiteMinio } from './minio.ts';

const MiB = 1024 * 1024;

objectStoreContract('S3 on MinIO', async () => s3Store(suiteMinio(), freshBucket('contract')));

describe('S3 adapter on MinIO', () => {
  it('uploads a 100 MB artifact in 8 MiB parts (a multipart ETag says how many) and a small one in one request', async () => {
    const bucket = freshBucket('multipart');
    const store = s3Store(suiteMinio(), bucket);
    await store.put('large.bin', patternBytes(100 * MiB, 11));
    await store.put('small.json', '{"a":1}');
    const large = await curlS3(`/${bucket}/large.bin`, ['-I']);
    const small = await curlS3(`/${bucket}/small.json`, ['-I']);
    // S3 names a multipart object's ETag "<md5 of the part md5s>-<parts>": 100 MiB / 8 MiB = 13 parts.
    expect(large).toMatch(/etag: "[0-9a-f]{32}-13"/i);
    expect(large).toMatch(/content-length: 104857600/i);
    expect(small).toMatch(/etag: "[0-9a-f]{32}"/i);
    await store.close();
  });

  it('aborts the multipart upload of a body that fails part way: no upload is left open in the bucket', async () => {
    const bucket = freshBucket('aborted');
    const store = s3Store(suiteMinio(), bucket);
    async function* failing() {
      yield* patternBytes(30 * MiB, 5);
      throw new Error('trainer crashed mid-upload');
    }
    await expect(store.put('model/weights.bin', failing())).rejects.toThrow(/trainer crashed mid-upload/);
    const uploads = await curlS3(`/${bucket}?uploads=`);
    expect(uploads).toContain('<ListMultipartUploadsResult');
    expect(uploads).not.toContain('<Upload>');
    expect(await store.list()).toEqual([]);
    await store.close();
  });

  it('reports an unreachable server as unavailable, within its timeouts', async () => {
    const store = s3Store({ ...suiteMinio(), endpoint: 'http://127.0.0.1:9' }, freshBucket('down'));
    await expect(store.ping()).rejects.toThrow(/object store unavailable \(bucket sf-down-[0-9a-f]{8}\)/);
    await expect(store.put('x', 'y')).rejects.toMatchObject({ name: 'ObjectStoreUnavailableError' });
    await store.close();
  });
});
