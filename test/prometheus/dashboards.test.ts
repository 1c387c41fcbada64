// Every query of every dashboard panel against a real Prometheus scraping `streamforge up`, after the
// platform has done what the dashboards show: a research workflow (load, persist, graph, GCN training,
// PPO training, backtest) that registers models, then a live market stream that the live agent decides
// on with the PPO champion. Each query must answer at least one series.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { formatDate } from '../../shared/contracts/time-range.ts';
import type { LocalPlatform } from '../../platform/local.ts';
import { upTargets } from '../../platform/manifests/prometheus.ts';
import { panelQueries } from '../../platform/observability/index.ts';
import { api, ended, startTestPlatform, waitForWorkflow } from '../helpers.ts';
import { query, waitForSeries, writeTargets } from './prometheus.ts';

const prometheus = inject('prometheusUrl');
const targetsFile = inject('prometheusTargets');
const DAY_MS = 86_400_000;

const research = {
  symbols: ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'],
  types: ['api_candles_5m'],
  time_range: '2024-06-01:2024-06-11',
  pipeline: ['graph', 'train', 'rl_train', 'backtest'],
  options: { rl_train: { rollout_steps: 256, minibatch: 128, epochs: 1, steps_per_fold: 512 } },
};

describe('dashboards against a real Prometheus', () => {
  let platform: LocalPlatform;
  let liveId: string | undefined;

  beforeAll(async () => {
    platform = await startTestPlatform({ SIM_MARKET_PATH: 'cycles', SIM_SPEED: '300' });
    await writeTargets(targetsFile, upTargets(platform.url));
  });

  afterAll(async () => {
    if (liveId) await api(platform, `/workflows/${liveId}/cancel`, { method: 'POST' });
    await writeTargets(targetsFile, []);
    await platform?.stop();
  });

  it('answers every panel query with at least one series once a workflow and a live stream have run', async () => {
    const { body } = await api(platform, '/workflows', { json: research });
    const workflow = await waitForWorkflow(platform, body.id, ended, 240_000);
    expect(workflow.status, workflow.reason ?? '').toBe('succeeded');

    const live = await api(platform, '/workflows', {
      json: { symbols: ['BTCUSDT'], types: ['ws_candles_5m', 'ws_trades'], time_range: `${formatDate(Date.now())}:${formatDate(Date.now() + 2 * DAY_MS)}` },
    });
    expect(live.status, JSON.stringify(live.body)).toBe(202);
    liveId = live.body.id;
    // The live agent decides with the champion the workflow registered, on the stream's closed candles.
    const [inUse] = await waitForSeries(prometheus, 'streamforge_model_version{fn="rl-agent-live", model="ppo", reference="champion"}', 120_000);
    expect(inUse!.value).toBe(1);
    await waitForSeries(prometheus, 'rate(streamforge_records_out_total{fn="rl-agent-live"}[1m]) > 0', 60_000);
    await waitForSeries(prometheus, 'streamforge_live_last_publish_timestamp_seconds{fn="loader-ws", stream="ws_trades", symbol="BTCUSDT"}', 60_000);

    const queries = panelQueries();
    expect(queries.length).toBeGreaterThanOrEqual(40);
    const empty: string[] = [];
    for (const q of queries) {
      let series = await query(prometheus, q.expr);
      // A rate needs two samples in its window: a query that has none yet gets a few scrapes more.
      for (let tries = 0; series.length === 0 && tries < 10; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        series = await query(prometheus, q.expr);
      }
      if (series.length === 0) empty.push(`${q.dashboard} › ${q.panel} (${q.refId}): ${q.expr}`);
    }
    expect(empty, 'panel queries that answered no series').toEqual([]);

    // Not just any series: the workflow's own numbers come back through the panels' metrics.
    const succeeded = await query(prometheus, 'streamforge_workflows_ended_total{status="succeeded"}');
    expect(succeeded.map((s) => s.value)).toEqual([1]);
    const registered = await query(prometheus, 'sum by (model) (streamforge_models_registered_total)');
    expect(Object.fromEntries(registered.map((s) => [s.metric.model, s.value]))).toEqual({ 'gcn-direction': 1, ppo: 1 });
  });
});
