// Live market: how fast exchange events reach the data topics, whether every stream still publishes,
// the streams' troubles (reconnects, book resyncs, backfills, skipped messages) and the visualizer's pages.
import { LIVE_SILENCE_SECONDS } from '../alerts.ts';
import type { DashboardSpec } from '../grafana.ts';
import { perMinute, perSecond, quantile } from '../promql.ts';

const STREAM = 'stream=~"$stream"';

export const live: DashboardSpec = {
  uid: 'streamforge-live',
  title: 'StreamForge / Live market',
  description: 'Exchange event to published latency by stream, time since each stream last published, reconnects, order-book resyncs, backfills, skipped messages.',
  variables: [{ name: 'stream', label: 'Stream', metric: 'streamforge_live_latency_seconds_count', labelName: 'stream' }],
  rows: [
    {
      title: 'Latency',
      panels: [
        {
          title: 'Exchange to published, p50',
          description: "Median time from the exchange's event time to the record published on its data topic.",
          unit: 's',
          queries: [{ expr: quantile(0.5, 'streamforge_live_latency_seconds', 'stream', STREAM), legend: '{{stream}}' }],
        },
        {
          title: 'Exchange to published, p99',
          description: "99th percentile of the time from the exchange's event time to the record published.",
          unit: 's',
          queries: [{ expr: quantile(0.99, 'streamforge_live_latency_seconds', 'stream', STREAM), legend: '{{stream}}' }],
        },
        {
          title: 'Live records published',
          description: 'Live records published per second, by stream.',
          unit: 'ops',
          queries: [{ expr: perSecond('streamforge_live_latency_seconds_count', 'stream', STREAM), legend: '{{stream}}' }],
        },
      ],
    },
    {
      title: 'Streams',
      panels: [
        {
          title: 'Seconds since last publish',
          description: `Per stream and symbol, for the live streams of the last hour. A stream whose step ended keeps counting up until it drops out; the StreamforgeLiveStreamSilent alert watches running streams only, past ${LIVE_SILENCE_SECONDS} s (the red line).`,
          unit: 's',
          width: 12,
          redFrom: LIVE_SILENCE_SECONDS,
          queries: [
            {
              expr: `time() - max by (fn, stream, symbol) (last_over_time(streamforge_live_last_publish_timestamp_seconds{${STREAM}}[1h]))`,
              legend: '{{stream}} {{symbol}}',
            },
          ],
        },
        {
          title: 'Reconnects',
          description: 'Live stream connections lost and reopened, per minute (each reconnect backfills what it missed).',
          unit: 'opm',
          width: 12,
          queries: [{ expr: perMinute('streamforge_live_reconnects_total', 'fn'), legend: '{{fn}}' }],
        },
        {
          title: 'Order-book resyncs',
          description: 'Order books rebuilt from a REST snapshot after a gap in the update ids, per minute.',
          unit: 'opm',
          queries: [{ expr: perMinute('streamforge_live_book_resyncs_total', 'fn'), legend: '{{fn}}' }],
        },
        {
          title: 'Backfilled records',
          description: 'Records a stream missed while disconnected, fetched from REST, per second.',
          unit: 'ops',
          queries: [{ expr: perSecond('streamforge_live_backfilled_total', 'fn'), legend: '{{fn}}' }],
        },
        {
          title: 'Skipped messages',
          description: 'Stream messages skipped, by reason (not JSON, not a followed stream), per minute.',
          unit: 'opm',
          queries: [{ expr: perMinute('streamforge_live_skipped_total', 'fn, reason'), legend: '{{fn}} {{reason}}' }],
        },
      ],
    },
    {
      title: 'Visualizer',
      panels: [
        {
          title: 'Pages open',
          description: "Browsers connected to the visualizer's live page.",
          unit: 'none',
          width: 12,
          queries: [{ expr: 'sum(streamforge_visualizer_clients)', legend: 'pages' }],
        },
        {
          title: 'Records relayed to pages',
          description: 'Live records the visualizer sent to its pages, per second.',
          unit: 'ops',
          width: 12,
          queries: [{ expr: perSecond('streamforge_visualizer_records_relayed_total', ''), legend: 'relayed' }],
        },
      ],
    },
  ],
};
