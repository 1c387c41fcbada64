// `npm run build`: one bundle per function of the registry, dist/<name>.mjs, started as its container
// starts it (`node dist/<name>.mjs`). Bundles share chunks (zod, hono, the harness); each function's own
// code, and each adapter's client library, sits in a chunk of its own that is loaded only when that
// function starts or the configuration asks for that adapter. The visualizer's page script is bundled
// for the browser first and carried inside the visualizer's chunk.
import { rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { bundlePage } from '../functions/visualizer/page-bundle.ts';
import { readMigrationFiles } from '../shared/adapters/postgres/migration-files.ts';
import { FUNCTIONS } from './registry.ts';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}dist`;

/** A virtual entry per function: the container entry, told which function it runs. */
const entries: Plugin = {
  name: 'function-entries',
  setup(builder) {
    builder.onResolve({ filter: /^function:/ }, (args) => ({ path: args.path.slice('function:'.length), namespace: 'function' }));
    builder.onLoad({ filter: /.*/, namespace: 'function' }, (args) => ({
      contents: `import { runContainer } from './platform/main.ts';\nawait runContainer(${JSON.stringify(args.path)});\n`,
      resolveDir: root,
      loader: 'ts',
    }));
  },
};

/**
 * zod's namespace re-exports every locale it has (~300 KiB of 1 MiB); the platform's messages are English,
 * so only English is bundled. `z.locales.en` still works.
 */
const englishOnly: Plugin = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[/]zod[/]v4[/](classic|core)[/]/.test(args.importer) ? { path: `${dirname(args.importer)}/../locales/english-only.js`, namespace: 'zod-locales' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({ contents: "export { default as en } from './en.js';", resolveDir: dirname(args.path), loader: 'js' }));
  },
};

/**
 * An ES module import of node:http builds its ESM facade by reading every export, which loads the
 * bundled fetch implementation (undici) through a lazy getter: ~35 ms of every cold start. Required
 * as CommonJS, the module is taken as it is.
 */
const requireHttp: Plugin = {
  name: 'require-http',
  setup(builder) {
    builder.onResolve({ filter: /^(node:)?https?2?$/ }, (args) =>
      args.namespace === 'required-builtin' ? { path: args.path, external: true } : { path: args.path.replace(/^node:/, ''), namespace: 'required-builtin' },
    );
    builder.onLoad({ filter: /.*/, namespace: 'required-builtin' }, (args) => ({ contents: `module.exports = require('node:${args.path}');`, loader: 'js' }));
  },
};

/** The visualizer serves its page script from memory: the built script replaces the module that says there is none. */
function pageAsset(script: string): Plugin {
  return {
    name: 'visualizer-page-asset',
    setup(builder) {
      builder.onLoad({ filter: /[/]functions[/]visualizer[/]page-asset\.ts$/ }, () => ({
        contents: `export const bundledPageScript = ${JSON.stringify(script)};`,
        loader: 'js',
      }));
    },
  };
}

/** The results store's SQL migrations travel inside the bundle: an image has no shared/ to read them from. */
export const migrationFiles: Plugin = {
  name: 'results-migrations',
  setup(builder) {
    builder.onLoad({ filter: /[/]shared[/]adapters[/]postgres[/]migration-files\.ts$/ }, async () => ({
      contents: `export const readMigrationFiles = async () => ${JSON.stringify(await readMigrationFiles())};`,
      loader: 'js',
    }));
  },
};

export interface BundleSize {
  readonly name: string;
  /** The entry file and every chunk it imports before the function starts. */
  readonly bytes: number;
}

/** Bytes a bundle loads statically: its entry and the chunks reachable through static imports. */
function staticBytes(metafile: Metafile, entry: string): number {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imported of metafile.outputs[file]?.imports ?? []) if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen].reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
}

export async function buildBundles(): Promise<BundleSize[]> {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: FUNCTIONS.map((f) => ({ in: `function:${f.name}`, out: f.name })),
    plugins: [entries, englishOnly, requireHttp, pageAsset(await bundlePage()), migrationFiles],
    // Only the page script needs esbuild, and the bundle carries it already built.
    external: ['esbuild'],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    minifyWhitespace: true,
    minifySyntax: true,
    // Names stay, so stack traces in logs still say where.
    keepNames: true,
    legalComments: 'external',
    metafile: true,
    logLevel: 'warning',
    // Some dependencies are CommonJS that call require(): give the ES modules one.
    banner: { js: "import { createRequire as __sfRequire } from 'node:module'; const require = __sfRequire(import.meta.url);" },
  });
  await writeFile(`${outdir}/meta.json`, JSON.stringify(result.metafile));
  return FUNCTIONS.map((f) => ({ name: f.name, bytes: staticBytes(result.metafile, `dist/${f.name}.mjs`) }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const bundle of await buildBundles()) console.log(`dist/${bundle.name}.mjs  ${(bundle.bytes / 1024).toFixed(0)} KiB loaded at start`);
}
