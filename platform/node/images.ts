// Image → process: what the process node runs for a container, since it has no container runtime.
//
// An image `<anything>/<function>:<tag>` (or `<function>:<tag>`, or with an `@sha256:…` digest) whose last
// path segment is a function of the registry (platform/registry.ts FUNCTIONS) is that function's bundle:
// the image's own entry (Dockerfile: `node /app/main.mjs`, which imports dist/<function>.mjs) becomes
// `node <repo>/dist/<function>.mjs`, with the Node running the node. As in a container, `command` replaces
// the entry and `args` replaces its arguments; a container that gives either runs them as they are,
// whatever its image (`node` is this Node). Anything else is an image that cannot be pulled.
import { existsSync } from 'node:fs';
import { FUNCTIONS } from '../registry.ts';

const repoRoot = new URL('../../', import.meta.url).pathname;
export const bundleDir = `${repoRoot}dist`;

export interface Executable {
  readonly file: string;
  readonly args: readonly string[];
  /** The bundle the image stands for, when it is one: reported as the container's imageID. */
  readonly bundle: string | undefined;
}

/** Why a container cannot start: the reason and message a kubelet would report in `state.waiting`. */
export class ContainerStartError extends Error {
  override readonly name = 'ContainerStartError';
  readonly reason: 'ErrImagePull' | 'CreateContainerConfigError' | 'CreateContainerError';
  constructor(reason: ContainerStartError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The function an image stands for, if any: the last path segment, without tag or digest. */
export function functionOfImage(image: string): string | undefined {
  const withoutDigest = image.split('@')[0]!;
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const name = lastSegment.split(':')[0]!;
  return FUNCTIONS.some((f) => f.name === name) ? name : undefined;
}

/** `node` means this Node (24), as the images carry it; other commands are found on $PATH. */
const resolveFile = (file: string) => (file === 'node' ? process.execPath : file);

export function executableFor(container: { image?: string; command?: string[]; args?: string[] }): Executable {
  const image = container.image ?? '';
  const fn = functionOfImage(image);
  const bundle = fn ? `${bundleDir}/${fn}.mjs` : undefined;
  const [file, ...rest] = [...(container.command ?? []), ...(container.args ?? [])];
  if (file !== undefined) return { file: resolveFile(file), args: rest, bundle };
  if (!fn) {
    const names = FUNCTIONS.map((f) => f.name).join(', ');
    throw new ContainerStartError(
      'ErrImagePull',
      `image "${image}" is not a StreamForge function: the process node runs <registry>/<function>:<tag> as node dist/<function>.mjs, for a function of ${names}`,
    );
  }
  if (!existsSync(bundle!)) throw new ContainerStartError('ErrImagePull', `image "${image}": ${bundle} is not built; run npm run build`);
  return { file: process.execPath, args: [bundle!], bundle };
}
