// Every Prometheus configuration the platform generates passes `promtool check config`: the checked-in
// ones, the one `cluster up` writes beside its kubeconfig, with and without rule files. Debian's promtool
// checks the file-based one; Kubernetes discovery, which Debian's build leaves out, is checked by the
// promtool built from Prometheus's Go module (scripts/prometheus/build.sh), and Debian's refuses it.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROMETHEUS_DIR, fileScrapeConfig, generatePrometheusFiles, kubernetesScrapeConfig, prometheusYaml } from '../../platform/manifests/prometheus.ts';

const root = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);
const DEBIAN_PROMTOOL = '/usr/bin/promtool';
let builtPromtool: string;
let dir: string;

async function check(promtool: string, file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(promtool, ['check', 'config', file]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    if (typeof failed.code !== 'number') throw new Error(`${promtool} could not run: ${failed.message}`);
    return { code: failed.code, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('generated Prometheus configurations', () => {
  beforeAll(async () => {
    // A few minutes the first time on a machine, then cached.
    const { stdout } = await run('bash', [`${root}scripts/prometheus/build.sh`], { timeout: 1_800_000, maxBuffer: 16 * 1024 * 1024 });
    builtPromtool = `${stdout.trim()}/promtool`;
    dir = await mkdtemp(join(tmpdir(), 'sf-promtool-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('pass promtool check config as checked in (the cluster one with the built promtool, the one for `streamforge up` with both)', async () => {
    const files = [...generatePrometheusFiles().keys()].filter((path) => path.endsWith('.yml'));
    expect(files.sort()).toEqual([`${PROMETHEUS_DIR}/local.yml`, `${PROMETHEUS_DIR}/prometheus.yml`]);
    for (const path of files) {
      const { code, output } = await check(builtPromtool, `${root}${path}`);
      expect(code, `${path}: ${output}`).toBe(0);
      expect(output).toMatch(/SUCCESS/);
    }
    const local = await check(DEBIAN_PROMTOOL, `${root}${PROMETHEUS_DIR}/local.yml`);
    expect(local.code, local.output).toBe(0);
  });

  it("pass as `cluster up` writes them (a kubeconfig file, rule files given by absolute path), and Debian's promtool knows no Kubernetes discovery", async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const rules = join(dir, 'rules.yml');
    await writeFile(rules, 'groups:\n  - name: test\n    rules:\n      - record: streamforge:up\n        expr: up{job="streamforge"}\n');
    const cluster = join(dir, 'cluster.yml');
    await writeFile(cluster, prometheusYaml('test', kubernetesScrapeConfig({ kubeconfig, scrapeInterval: '1s', ruleFiles: [rules] })));
    const built = await check(builtPromtool, cluster);
    expect(built.code, built.output).toBe(0);
    expect(built.output).toMatch(/SUCCESS: 1 rule files found/);

    const debian = await check(DEBIAN_PROMTOOL, cluster);
    expect(debian.code).not.toBe(0);
    expect(debian.output).toMatch(/field kubernetes_sd_configs not found/);

    const file = join(dir, 'file.yml');
    await writeFile(join(dir, 'targets.json'), '[]');
    await writeFile(file, prometheusYaml('test', fileScrapeConfig({ targetsFile: 'targets.json', scrapeInterval: '1s', ruleFiles: [rules] })));
    for (const promtool of [DEBIAN_PROMTOOL, builtPromtool]) {
      const { code, output } = await check(promtool, file);
      expect(code, `${promtool}: ${output}`).toBe(0);
    }
  });
});
