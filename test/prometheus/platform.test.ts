// A real Prometheus scraping `streamforge up` (the whole platform in one process, with the simulator)
// through the file_sd job the generated configuration uses: the target is up, and a counter Prometheus
// stored has the value the platform's own /metrics shows.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SCRAPE_JOB, upTargets } from '../../platform/manifests/prometheus.ts';
import type { LocalPlatform } from '../../platform/local.ts';
import { api, ended, startTestPlatform, waitForWorkflow } from '../helpers.ts';
import { waitForSeries, waitForTarget, writeTargets } from './prometheus.ts';

const prometheus = inject('prometheusUrl');
const targetsFile = inject('prometheusTargets');

interface Sample {
  /** `name{labels}` exactly as the page writes it, which is also a PromQL selector. */
  readonly selector: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The counters' samples on a /metrics page. */
function counters(page: string): Sample[] {
  const types = new Map([...page.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  return [...page.matchAll(/^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/gm)]
    .filter((m) => types.get(m[1]!) === 'counter')
    .map((m) => ({
      selector: `${m[1]}${m[2] ?? ''}`,
      name: m[1]!,
      labels: Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1]!, JSON.parse(`"${l[2]}"`) as string])),
      value: Number(m[3]),
    }));
}

describe('Prometheus scraping `streamforge up`', () => {
  let platform: LocalPlatform;
  let instance: string;

  beforeAll(async () => {
    platform = await startTestPlatform();
    instance = new URL(platform.url).host;
    await writeTargets(targetsFile, upTargets(platform.url));
  });

  afterAll(async () => {
    await writeTargets(targetsFile, []);
    await platform?.stop();
  });

  it('finds the platform in the targets file and scrapes its /metrics: up == 1', async () => {
    const target = await waitForTarget(prometheus, { job: SCRAPE_JOB, instance });
    expect(target.scrapeUrl).toBe(`${platform.url}/metrics`);
    const up = await waitForSeries(prometheus, `up{job="${SCRAPE_JOB}", instance="${instance}"} == 1`);
    expect(up).toEqual([{ metric: { __name__: 'up', job: SCRAPE_JOB, instance, component: 'platform' }, value: 1 }]);
  });

  it("stores a streamforge_ counter with the value on the platform's own /metrics after a workflow", async () => {
    const { body } = await api(platform, '/workflows', { json: { symbols: ['BTCUSDT'], types: ['api_candles_5m'], time_range: '2024-08-01:2024-08-02' } });
    const workflow = await waitForWorkflow(platform, body.id, ended);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');

    // A counter the workflow moved and that holds still now, read twice from the platform itself.
    const page = async () => (await fetch(`${platform.url}/metrics`)).text();
    const first = counters(await page()).filter((s) => s.name.startsWith('streamforge_') && s.value > 0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = new Map(counters(await page()).map((s) => [s.selector, s.value]));
    const sample = first.find((s) => second.get(s.selector) === s.value);
    expect(sample, `a streamforge_ counter above zero that holds still, among ${first.map((s) => s.selector).join(', ')}`).toBeDefined();

    const selector = sample!.selector.includes('{') ? sample!.selector.replace(/\}$/, `, instance="${instance}"}`) : `${sample!.selector}{instance="${instance}"}`;
    const [stored, ...more] = await waitForSeries(prometheus, `${selector} == ${sample!.value}`);
    expect(more).toEqual([]);
    expect(stored!.value).toBe(sample!.value);
    expect(stored!.metric).toMatchObject({ ...sample!.labels, job: SCRAPE_JOB, instance, component: 'platform' });
  });
});
