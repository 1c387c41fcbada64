// README's metrics catalog, generated from the code that declares the metrics (shared/harness/metrics.ts)
// and from prom-client's defaults as a registry really exports them. `npm run manifests` writes it between
// the markers; a test fails when README's copy differs.
import { readFile, writeFile } from 'node:fs/promises';
import { CATALOG, createRegistry } from '../../shared/harness/metrics.ts';

export const CATALOG_START = '<!-- metrics:start -->';
export const CATALOG_END = '<!-- metrics:end -->';

const code = (text: string) => `\`${text}\``;

/** The catalog as a Markdown table, then the default process and Node.js metrics by name. */
export async function catalogMarkdown(): Promise<string> {
  const rows = Object.values(CATALOG).map((m) => `| ${code(m.name)} | ${m.type} | ${m.labels.map(code).join(', ') || '—'} | ${m.exportedBy} | ${m.help.replaceAll('|', '\\|')} |`);
  const defaults = (await createRegistry().getMetricsAsJSON()).map((m) => code(m.name));
  return [
    '| metric | type | labels | exported by | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Every process also exports prom-client's process and Node.js metrics under the same prefix: ${defaults.join(', ')}.`,
  ].join('\n');
}

/** README with its catalog section replaced by `markdown`. */
export function withCatalog(readme: string, markdown: string): string {
  const start = readme.indexOf(CATALOG_START);
  const end = readme.indexOf(CATALOG_END);
  if (start < 0 || end < start) throw new Error(`README has no ${CATALOG_START} … ${CATALOG_END} section`);
  return `${readme.slice(0, start + CATALOG_START.length)}\n${markdown}\n${readme.slice(end)}`;
}

export async function writeCatalog(readmePath: string): Promise<void> {
  await writeFile(readmePath, withCatalog(await readFile(readmePath, 'utf8'), await catalogMarkdown()));
}
