// The model registry's HTTP API from the command line: typed answers, refusals with the server's
// message, uploads from files on disk, and downloads verified against the registered checksums.
import { createHash } from 'node:crypto';
import { createWriteStream, openAsBlob } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { type ModelVersion, type RegisteredModel, modelVersionSchema, registeredModelSchema } from '../../shared/contracts/models.ts';

/** The server refused: its message (which names the field at fault). */
export class RegistryRefusal extends Error {
  override readonly name = 'RegistryRefusal';
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const errorSchema = z.object({ error: z.string() });

export interface FileToUpload {
  /** Its path inside the version. */
  readonly path: string;
  /** Where it is on disk. */
  readonly file: string;
}

export class ModelsClient {
  private readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/$/, '');
  }

  async listModels(): Promise<RegisteredModel[]> {
    return z.object({ models: z.array(registeredModelSchema) }).parse(await this.json('GET', '/models')).models;
  }

  async versions(name: string): Promise<ModelVersion[]> {
    return z.object({ versions: z.array(modelVersionSchema) }).parse(await this.json('GET', `/models/${encodeURIComponent(name)}/versions`)).versions;
  }

  /** `selector`: a version number, an alias, or "latest". */
  async version(name: string, selector: string): Promise<ModelVersion> {
    return modelVersionSchema.parse(await this.json('GET', `/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(selector)}`));
  }

  async setAlias(name: string, alias: string, version: number): Promise<ModelVersion> {
    return modelVersionSchema.parse(await this.json('PUT', `/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}`, { version }));
  }

  async deleteVersion(name: string, version: number): Promise<void> {
    await this.json('DELETE', `/models/${encodeURIComponent(name)}/versions/${version}`);
  }

  async deleteAlias(name: string, alias: string): Promise<void> {
    await this.json('DELETE', `/models/${encodeURIComponent(name)}/aliases/${encodeURIComponent(alias)}`);
  }

  /** Uploads the files as the model's next version; file bodies stream from disk. */
  async register(name: string, files: readonly FileToUpload[], metadata: Record<string, unknown>): Promise<ModelVersion> {
    const form = new FormData();
    form.append('metadata', JSON.stringify(metadata));
    for (const { path, file } of files) form.append('artifact', await openAsBlob(file), path);
    return modelVersionSchema.parse(await this.json('POST', `/models/${encodeURIComponent(name)}/versions`, form));
  }

  /**
   * Downloads every artifact of a version into `dir` (as `<dir>/<path>`), hashing each as it arrives;
   * a file whose SHA-256 or size is not the registered one is deleted and the download refused.
   */
  async download(version: ModelVersion, dir: string): Promise<string[]> {
    const written: string[] = [];
    for (const artifact of version.artifacts) {
      const target = join(dir, artifact.path);
      const partial = `${target}.partial`;
      await mkdir(dirname(target), { recursive: true });
      const response = await fetch(
        `${this.url}/models/${encodeURIComponent(version.name)}/versions/${version.version}/artifacts/${artifact.path.split('/').map(encodeURIComponent).join('/')}`,
      );
      if (!response.ok || !response.body) throw await refusal(response);
      const hash = createHash('sha256');
      let size = 0;
      try {
        await pipeline(
          Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
          async function* (chunks: AsyncIterable<Uint8Array>) {
            for await (const chunk of chunks) {
              hash.update(chunk);
              size += chunk.length;
              yield chunk;
            }
          },
          createWriteStream(partial),
        );
        const sha256 = hash.digest('hex');
        if (sha256 !== artifact.sha256 || size !== artifact.size) {
          throw new Error(
            `artifact "${artifact.path}" of ${version.uri} arrived with sha256 ${sha256} (${size} bytes), not the registered ${artifact.sha256} (${artifact.size} bytes); refused`,
          );
        }
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      await rename(partial, target);
      written.push(target);
    }
    return written;
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    const init: RequestInit =
      body instanceof FormData ? { method, body } : body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } };
    const response = await fetch(`${this.url}${path}`, init);
    if (!response.ok) throw await refusal(response);
    return response.status === 204 ? undefined : response.json();
  }
}

async function refusal(response: Response): Promise<RegistryRefusal> {
  const text = await response.text().catch(() => '');
  let message = `${response.status} ${response.statusText}`;
  try {
    message = errorSchema.parse(JSON.parse(text)).error;
  } catch {}
  return new RegistryRefusal(response.status, message);
}
