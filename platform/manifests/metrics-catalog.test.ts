import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../shared/harness/metrics.ts';
import { CATALOG_END, CATALOG_START, catalogMarkdown, withCatalog } from './metrics-catalog.ts';

const readme = new URL('../../README.md', import.meta.url);

describe("README's metrics catalog", () => {
  it('is the one generated from the declarations (run `npm run manifests` after changing a metric)', async () => {
    const text = await readFile(readme, 'utf8');
    expect(text).toBe(withCatalog(text, await catalogMarkdown()));
  });

  it('lists every declared metric with its type and labels, and the defaults without the misnamed gauges', async () => {
    const markdown = await catalogMarkdown();
    const rows = markdown.split('\n').filter((line) => line.startsWith('| `streamforge_'));
    expect(rows).toHaveLength(Object.keys(CATALOG).length);
    expect(rows).toContain(
      '| `streamforge_consumer_lag` | gauge | `fn`, `group`, `topic`, `partition` | every consumer; the orchestrator for every command group | Records not yet committed by a consumer group (end offset minus committed offset); fn owns the group |',
    );
    expect(markdown).toContain('`streamforge_process_cpu_seconds_total`');
    expect(markdown).toContain('`streamforge_nodejs_active_handles`');
    expect(markdown).not.toContain('`streamforge_nodejs_active_handles_total`');
  });

  it('refuses a README without the section markers', () => {
    expect(() => withCatalog('# no markers', 'x')).toThrow(`README has no ${CATALOG_START} … ${CATALOG_END} section`);
  });
});
