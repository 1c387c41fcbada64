// Loading a version's artifacts so that only the registered bytes are ever used: each artifact is
// hashed as it streams in and compared with the SHA-256 recorded when it was registered.
import { createHash } from 'node:crypto';
import type { Artifact, ModelVersion } from '../contracts/models.ts';
import type { ObjectStream } from '../ports/object-store.ts';
import { ArtifactIntegrityError } from './errors.ts';

export interface LoadedModel {
  readonly version: ModelVersion;
  /** Every artifact's bytes by its path in the version (model.json, group1-shard1of1.bin, ...). */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

/** Hashes a stream to its end; throws ArtifactIntegrityError when its size or SHA-256 is not the recorded one. */
export async function readVerified(version: ModelVersion, artifact: Artifact, stream: ObjectStream): Promise<Uint8Array> {
  const hash = createHash('sha256');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream.body) {
    hash.update(chunk);
    chunks.push(chunk);
    size += chunk.length;
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== artifact.sha256 || size !== artifact.size) {
    throw new ArtifactIntegrityError(
      `artifact "${artifact.path}" of ${version.uri} does not match the registry: sha256 ${sha256} (${size} bytes) where ${artifact.sha256} (${artifact.size} bytes) was registered; it was changed or corrupted in the object store, so it is not loaded`,
    );
  }
  return new Uint8Array(Buffer.concat(chunks));
}

export async function loadVerified(version: ModelVersion, open: (artifact: Artifact) => Promise<ObjectStream>): Promise<LoadedModel> {
  const files = new Map<string, Uint8Array>();
  for (const artifact of version.artifacts) files.set(artifact.path, await readVerified(version, artifact, await open(artifact)));
  return { version, files };
}
