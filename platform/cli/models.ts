// `streamforge models list|show|register|alias|download`: the model registry from the command line,
// through the orchestrator's API at --url (default http://127.0.0.1:$PORT); with no orchestrator there
// and no --url, through an embedded platform on the configured data directory, as `run` does.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { loadConfig } from '../../shared/config.ts';
import { type ModelVersion, type RegisteredModel, parseModelReference } from '../../shared/contracts/models.ts';
import { TFJS_MODEL_FILE, tfjsWeightPaths } from '../../shared/models/tfjs.ts';
import { listOption, parseOptions } from './args.ts';
import { type FileToUpload, ModelsClient, RegistryRefusal } from './models-client.ts';
import { UsageError } from './usage.ts';

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8080' }).optional();
const common = { url: { type: 'string' }, json: { type: 'boolean' } } as const;

async function reachable(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/livez`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

/** The registry's API: at --url, at the local port, or on an embedded platform started for this command. */
async function connect(given: string | undefined): Promise<{ client: ModelsClient; close(): Promise<void> }> {
  if (given) {
    if (!(await reachable(given))) throw new UsageError(`--url: no orchestrator answers at ${given}`);
    return { client: new ModelsClient(given), close: async () => undefined };
  }
  const config = loadConfig();
  const local = `http://127.0.0.1:${config.port ?? 8080}`;
  if (await reachable(local)) return { client: new ModelsClient(local), close: async () => undefined };
  const [{ startLocalPlatform }, { silentLogger }] = await Promise.all([import('../local.ts'), import('../../shared/logger.ts')]);
  const platform = await startLocalPlatform({ ...config, port: 0, exchange: { ...config.exchange, simPort: 0 }, visualizer: { ...config.visualizer, port: 0 } }, silentLogger);
  console.error(`No orchestrator on port ${config.port ?? 8080}; using the registry in ${config.dataDir} (${config.objects.kind} objects).`);
  return { client: new ModelsClient(platform.url), close: () => platform.stop() };
}

/** `gcn` (its versions), `gcn/3`, `gcn@champion`, `gcn/latest`, each also as `models:/...`. */
function reference(text: string | undefined, usage: string): { name: string; selector: string | undefined } {
  if (!text) throw new UsageError(`models ${usage}`);
  let ref: ReturnType<typeof parseModelReference>;
  try {
    ref = parseModelReference(text);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (ref.kind === 'version') return { name: ref.name, selector: String(ref.version) };
  if (ref.kind === 'alias') return { name: ref.name, selector: ref.alias };
  return { name: ref.name, selector: /\/latest$/.test(text) ? 'latest' : undefined };
}

/** `a=1,b=x` → {a: 1, b: "x"}: values that read as JSON (numbers, booleans) are taken as such. */
const pairs = (what: string, numbersOnly: boolean) =>
  z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const out: Record<string, unknown> = {};
      for (const pair of text.split(',').filter(Boolean)) {
        const at = pair.indexOf('=');
        const key = pair.slice(0, at).trim();
        const raw = pair.slice(at + 1).trim();
        let value: unknown = raw;
        try {
          value = JSON.parse(raw);
        } catch {}
        if (at < 1 || (numbersOnly && typeof value !== 'number')) {
          ctx.addIssue({ code: 'custom', message: `must be ${what}, e.g. ${numbersOnly ? 'val_loss=0.21,sharpe=1.4' : 'hidden=32,optimizer=adam'}; "${pair}" is not` });
          return z.NEVER;
        }
        out[key] = value;
      }
      return out;
    });

const registerSchema = z.object({
  url,
  json: z.boolean().optional(),
  framework: z.string().min(1).optional(),
  description: z.string().optional(),
  metrics: pairs('name=number pairs', true),
  params: pairs('name=value pairs', false),
  workflow: z.string().min(1).optional(),
  symbols: listOption('--symbols BTCUSDT,ETHUSDT').optional(),
  range: z.string().optional(),
  parent: z.string().min(1).optional(),
});

/** The files of a model: model.json and the shards it names (tfjs), or every file under a directory. */
async function modelFiles(path: string, framework: string | undefined): Promise<FileToUpload[]> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`no file or directory at ${path}`);
  const modelJson = info.isDirectory() ? join(path, TFJS_MODEL_FILE) : path;
  const isTfjs = (framework ?? 'tfjs') === 'tfjs';
  if (isTfjs) {
    if (info.isFile() && basename(path) !== TFJS_MODEL_FILE && !path.endsWith('.json'))
      throw new UsageError(`${path}: a tfjs model is its ${TFJS_MODEL_FILE} (or the directory holding it)`);
    const text = await readFile(modelJson, 'utf8').catch(() => {
      throw new UsageError(`no ${TFJS_MODEL_FILE} in ${path}; for another framework give --framework`);
    });
    let weights: string[];
    try {
      weights = tfjsWeightPaths(text);
    } catch (error) {
      throw new UsageError(`${modelJson}: ${(error as Error).message}`);
    }
    const files = [{ path: TFJS_MODEL_FILE, file: modelJson }, ...weights.map((weight) => ({ path: weight, file: join(dirname(modelJson), weight) }))];
    for (const { file } of files)
      if (!(await stat(file).catch(() => undefined))?.isFile()) throw new UsageError(`${modelJson} names ${relative(dirname(modelJson), file)}, which is not there`);
    return files;
  }
  if (info.isFile()) return [{ path: basename(path), file: path }];
  const entries = (await readdir(path, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  return entries.map((e) => ({ path: relative(path, join(e.parentPath, e.name)).split(sep).join('/'), file: join(e.parentPath, e.name) }));
}

const bytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`);
const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');
const keyValues = (record: Record<string, unknown>) =>
  Object.entries(record)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ') || '—';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function aliasesOf(model: RegisteredModel): string {
  return (
    Object.entries(model.aliases)
      .map(([alias, version]) => `${alias}→${version}`)
      .join(' ') || '—'
  );
}

export function describeVersion(v: ModelVersion): string {
  const lineage = [
    v.lineage.workflow_id && `workflow ${v.lineage.workflow_id}`,
    v.lineage.symbols && `symbols ${v.lineage.symbols.join(',')}`,
    v.lineage.time_range && `range ${v.lineage.time_range}`,
    v.lineage.parent && `from ${v.lineage.parent}`,
  ].filter(Boolean);
  return [
    `${v.uri}${v.aliases.length ? `  (${v.aliases.map((a) => `@${a}`).join(' ')})` : ''}`,
    `  created      ${when(v.created_at)} UTC`,
    `  framework    ${v.framework}`,
    ...(v.description ? [`  description  ${v.description}`] : []),
    `  sha256       ${v.sha256}`,
    `  metrics      ${keyValues(v.metrics)}`,
    `  params       ${keyValues(v.hyperparameters)}`,
    `  lineage      ${lineage.join(', ') || '—'}`,
    '  artifacts',
    ...table(v.artifacts.map((a) => [`    ${a.path}`, bytes(a.size), a.sha256])).split('\n'),
  ].join('\n');
}

const USAGE = {
  list: 'list [--json] [--url URL]',
  show: 'show <name | name/version | name@alias> [--json] [--url URL]',
  register:
    'register <name> <model.json | directory> [--metrics k=v,...] [--params k=v,...] [--framework F] [--description D] [--workflow ID] [--symbols A,B] [--range R] [--parent REF]',
  alias: 'alias <name> <alias> <version> | alias <name> <alias> --delete',
  download: 'download <name/version | name@alias> [--out DIR]',
  delete: 'delete <name/version>',
};

export async function main(argv: readonly string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || !(sub in USAGE)) throw new UsageError(`models: ${sub ? `unknown subcommand "${sub}"` : 'which subcommand?'} (${Object.keys(USAGE).join(', ')})`);
  const print = (json: boolean | undefined, value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);

  if (sub === 'list') {
    const { values, positionals } = parseOptions(rest, common, z.object({ url, json: z.boolean().optional() }));
    if (positionals.length) throw new UsageError(`models ${USAGE.list}`);
    return withClient(values.url, async (client) => {
      const models = await client.listModels();
      const rows = [['NAME', 'LATEST', 'ALIASES', 'CREATED (UTC)'], ...models.map((m) => [m.name, String(m.latest_version ?? '—'), aliasesOf(m), when(m.created_at)])];
      print(values.json, { models }, models.length ? table(rows) : 'No models registered yet: `streamforge models register <name> <model.json>`.');
    });
  }

  if (sub === 'show') {
    const { values, positionals } = parseOptions(rest, common, z.object({ url, json: z.boolean().optional() }));
    const { name, selector } = reference(positionals[0], USAGE.show);
    return withClient(values.url, async (client) => {
      if (selector) {
        const version = await client.version(name, selector);
        return print(values.json, version, describeVersion(version));
      }
      const versions = await client.versions(name);
      const rows = [
        ['VERSION', 'ALIASES', 'CREATED (UTC)', 'METRICS'],
        ...versions.map((v) => [String(v.version), v.aliases.join(' ') || '—', when(v.created_at), keyValues(v.metrics)]),
      ];
      print(values.json, { name, versions }, versions.length ? table(rows) : `${name} has no versions.`);
    });
  }

  if (sub === 'register') {
    const options = {
      ...common,
      framework: { type: 'string' },
      description: { type: 'string' },
      metrics: { type: 'string' },
      params: { type: 'string' },
      workflow: { type: 'string' },
      symbols: { type: 'string' },
      range: { type: 'string' },
      parent: { type: 'string' },
    } as const;
    const { values, positionals } = parseOptions(rest, options, registerSchema);
    const [name, path] = positionals;
    if (!name || !path || positionals.length > 2) throw new UsageError(`models ${USAGE.register}`);
    const files = await modelFiles(resolve(path), values.framework);
    const lineage = {
      ...(values.workflow ? { workflow_id: values.workflow } : {}),
      ...(values.symbols ? { symbols: values.symbols } : {}),
      ...(values.range ? { time_range: values.range } : {}),
      ...(values.parent ? { parent: values.parent } : {}),
    };
    const metadata = {
      ...(values.framework ? { framework: values.framework } : {}),
      ...(values.description ? { description: values.description } : {}),
      ...(values.metrics ? { metrics: values.metrics } : {}),
      ...(values.params ? { hyperparameters: values.params } : {}),
      lineage,
    };
    return withClient(values.url, async (client) => {
      const version = await client.register(name, files, metadata);
      print(
        values.json,
        version,
        `Registered ${version.uri} (${files.length} files, ${bytes(version.artifacts.reduce((sum, a) => sum + a.size, 0))}).\n${describeVersion(version)}`,
      );
    });
  }

  if (sub === 'alias') {
    const { values, positionals } = parseOptions(rest, { ...common, delete: { type: 'boolean' } }, z.object({ url, json: z.boolean().optional(), delete: z.boolean().optional() }));
    const [name, alias, version] = positionals;
    if (!name || !alias || (values.delete ? version !== undefined : !version || !/^[1-9]\d*$/.test(version))) throw new UsageError(`models ${USAGE.alias}`);
    return withClient(values.url, async (client) => {
      if (values.delete) {
        await client.deleteAlias(name, alias);
        return print(values.json, { name, alias, deleted: true }, `Removed @${alias} from ${name}.`);
      }
      const target = await client.setAlias(name, alias, Number(version));
      print(values.json, target, `${name}@${alias} → ${target.uri}`);
    });
  }

  if (sub === 'delete') {
    const { values, positionals } = parseOptions(rest, common, z.object({ url, json: z.boolean().optional() }));
    const { name, selector } = reference(positionals[0], USAGE.delete);
    if (!selector || !/^\d+$/.test(selector)) throw new UsageError(`models ${USAGE.delete}: name the version by its number`);
    return withClient(values.url, async (client) => {
      await client.deleteVersion(name, Number(selector));
      print(values.json, { name, version: Number(selector), deleted: true }, `Deleted models:/${name}/${selector}; its number is not given again.`);
    });
  }

  const { values, positionals } = parseOptions(rest, { ...common, out: { type: 'string' } }, z.object({ url, json: z.boolean().optional(), out: z.string().min(1).optional() }));
  const { name, selector } = reference(positionals[0], USAGE.download);
  return withClient(values.url, async (client) => {
    const version = await client.version(name, selector ?? 'latest');
    const dir = resolve(values.out ?? `${version.name}-v${version.version}`);
    const files = await client.download(version, dir);
    print(values.json, { version: version.uri, dir, files }, `Downloaded ${version.uri} into ${dir}: ${files.length} files, every SHA-256 as registered.`);
  });
}

/** Runs a command against the registry; a refusal prints the server's message and exits 1. */
async function withClient(given: string | undefined, run: (client: ModelsClient) => Promise<void>): Promise<number> {
  const { client, close } = await connect(given);
  try {
    await run(client);
    return 0;
  } catch (error) {
    if (!(error instanceof RegistryRefusal)) throw error;
    console.error(`streamforge models: ${error.message}`);
    return 1;
  } finally {
    await close();
  }
}
