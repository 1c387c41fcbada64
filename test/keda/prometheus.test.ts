// A real Prometheus on `streamforge cluster up`, with the generated Kubernetes discovery pointed at the
// local API server: it finds the orchestrator's pod and the function pods KEDA starts for a workflow (a
// loader Job's pod, the persister's Deployment pod), scrapes each on the loopback port the process node
// gave it, and labels their series with namespace, pod and component, next to the metrics' own labels.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterDown } from '../../platform/cluster/down.ts';
import type { ClusterState } from '../../platform/cluster/state.ts';
import { clusterUp } from '../../platform/cluster/up.ts';
import { NAMESPACE } from '../../platform/manifests/names.ts';
import { SCRAPE_JOB, kubernetesScrapeConfig, prometheusYaml } from '../../platform/manifests/prometheus.ts';
import { api, ended, waitForWorkflow } from '../helpers.ts';
import { type RunningPrometheus, type Series, startPrometheus, waitForSeries } from '../prometheus/prometheus.ts';

const NAME = `prometheus-${process.pid}`;
/** How far back the function pods' series are looked for: they are gone once their work is done. */
const WINDOW = '15m';
let state: ClusterState;
let prometheus: RunningPrometheus;
let dir: string;

/** What every series of a function pod carries from discovery, and never a label pushed aside. */
function expectPodLabels(series: readonly Series[], component: string) {
  for (const { metric } of series) {
    expect(metric, JSON.stringify(metric)).toMatchObject({ job: SCRAPE_JOB, namespace: NAMESPACE, component, pod: expect.stringMatching(new RegExp(`^${component}-`)) });
    expect(
      Object.keys(metric).filter((label) => label.startsWith('exported_')),
      JSON.stringify(metric),
    ).toEqual([]);
  }
}

describe('Prometheus discovering the pods of `streamforge cluster up` through its API server', () => {
  beforeAll(async () => {
    state = await clusterUp({ name: NAME, log: (line) => console.log(line) });
    dir = await mkdtemp(join(tmpdir(), 'sf-prometheus-k8s-'));
    // A scrape a second: a loader Job's pod lives for its step and 15 s of idleness.
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, prometheusYaml('Kubernetes discovery on the local cluster', kubernetesScrapeConfig({ kubeconfig: state.kubeconfig, scrapeInterval: '1s' })));
    prometheus = await startPrometheus(config);
  });

  afterAll(async () => {
    await prometheus?.stop();
    await clusterDown(NAME);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('scrapes the orchestrator\'s pod on the port the process node recorded: up{component="orchestrator"} == 1', async () => {
    const [up, ...others] = await waitForSeries(prometheus.url, `up{job="${SCRAPE_JOB}", component="orchestrator"} == 1`, 60_000);
    expect(others).toEqual([]);
    expect(up!.metric).toEqual({
      __name__: 'up',
      job: SCRAPE_JOB,
      namespace: NAMESPACE,
      component: 'orchestrator',
      pod: expect.stringMatching(/^orchestrator-[a-z0-9]+-[a-z0-9]+$/),
      instance: new URL(state.apiUrl).host,
    });
    const series = await waitForSeries(prometheus.url, `{__name__=~"streamforge_.+", component="orchestrator"}`);
    expectPodLabels(series, 'orchestrator');
    expect(new Set(series.map((s) => s.metric.pod))).toEqual(new Set([up!.metric.pod]));
  });

  it('scrapes the pods KEDA starts for a workflow: the loader Job pod and the persister Deployment pod', async () => {
    const { body } = await api({ url: state.apiUrl }, '/workflows', {
      json: { symbols: ['BTCUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' },
    });
    const workflow = await waitForWorkflow({ url: state.apiUrl }, body.id, ended, 300_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');
    const podsOf = (target: string) => new Set(workflow.steps.filter((s) => s.target === target).map((s) => s.pod));

    for (const [component, target] of [
      ['loader', 'loader-producer'],
      ['persister', 'arango-connector'],
    ] as const) {
      // Every pod that ran one of the workflow's steps (GET /workflows/:id names them) was scraped.
      const pods = podsOf(target);
      expect(pods.size).toBeGreaterThan(0);
      expect(pods).not.toContain(undefined);
      for (const pod of pods) {
        const up = await waitForSeries(prometheus.url, `max_over_time(up{job="${SCRAPE_JOB}", component="${component}", pod="${pod}"}[${WINDOW}]) == 1`);
        expectPodLabels(up, component);
      }

      const series = await waitForSeries(prometheus.url, `{__name__=~"streamforge_.+", component="${component}"}[${WINDOW}]`);
      expectPodLabels(series, component);
      expect(series.some((s) => s.value > 0 && s.metric.fn !== undefined)).toBe(true);
    }
  });
});
