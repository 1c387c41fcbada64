// Bundles the page's script (page/main.ts with lightweight-charts) for the browser with esbuild: at
// build time into the visualizer's bundle, or, run from source, on the first request for it.
import { fileURLToPath } from 'node:url';

export const PAGE_ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));

export async function bundlePage(): Promise<string> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [PAGE_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}
