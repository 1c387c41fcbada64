// Starts a real Prometheus for the prometheus suite through scripts/prometheus/server.sh (Debian's
// package), scraping every second the targets in a file the tests write (file_sd), with the alert rules
// when they exist; stops it after. Tests get its URL and the targets file's path from inject().
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ALERT_RULES, fileScrapeConfig, prometheusYaml } from '../../platform/manifests/prometheus.ts';
import { startPrometheus, writeTargets } from './prometheus.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Prometheus the suite shares, e.g. http://127.0.0.1:N. */
    prometheusUrl: string;
    /** Its file_sd targets file: a test writes its targets there and clears it after. */
    prometheusTargets: string;
  }
}

const root = new URL('../..', import.meta.url).pathname;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'sf-prometheus-'));
  const targets = join(dir, 'targets.json');
  await writeTargets(targets, []);
  const ruleFiles = existsSync(`${root}${ALERT_RULES}`) ? [`${root}${ALERT_RULES}`] : [];
  const config = join(dir, 'prometheus.yml');
  await writeFile(config, prometheusYaml('The prometheus test suite', fileScrapeConfig({ targetsFile: 'targets.json', scrapeInterval: '1s', ruleFiles })));
  const prometheus = await startPrometheus(config);
  project.provide('prometheusUrl', prometheus.url);
  project.provide('prometheusTargets', targets);
  return async () => {
    await prometheus.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
