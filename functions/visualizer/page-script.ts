// The page's script, once per process: the bundle built into the image, or one bundled now from source.
import { bundledPageScript } from './page-asset.ts';

let script: Promise<string> | undefined;

export function pageScript(): Promise<string> {
  if (!script) {
    script = bundledPageScript !== undefined ? Promise.resolve(bundledPageScript) : import('./page-bundle.ts').then(({ bundlePage }) => bundlePage());
    // A failed bundling is tried again at the next request.
    script.catch(() => (script = undefined));
  }
  return script;
}
