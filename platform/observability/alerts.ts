// The platform's alert rules, written once here: `npm run manifests` writes them to
// observability/prometheus/alerts.yml for any Prometheus, and into a PrometheusRule for the Prometheus
// operator. Their hand-made fixtures (observability/prometheus/alerts.test.yml) run in `promtool test rules`.
import { commandGroupFor } from '../../shared/contracts/names.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { KLINE_INTERVALS, fixedIntervalMs } from '../../shared/binance/intervals.ts';
import { DEAD_LETTER_TOPIC } from '../../shared/harness/dead-letter.ts';
import { stringify } from 'yaml';
import { lagPerGroup } from './promql.ts';

export type Severity = 'warning' | 'critical';

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: Severity };
  readonly annotations: { readonly summary: string; readonly description: string; readonly runbook: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

/**
 * The window over which the lag's trend is fitted, and how long it must have pointed up: a trend fitted
 * over 5 minutes that stays upward for 10 means the lag grew for about 15 minutes, where a burst that
 * then holds still resets it.
 */
export const LAG_TREND_WINDOW = '5m';
export const LAG_GROWING_FOR = '10m';
/** Dead letters a minute, averaged over 5 minutes: a bad frame now and then is expected, a stream of them is not. */
export const DEAD_LETTERS_PER_MINUTE = 1;
/** Command lag with no pod: KEDA polls every 10 s and the cold path takes about 10 s (README, Benchmarks). */
export const WAITING_AT_ZERO_FOR = '5m';
/**
 * A live stream silent this long (seconds) is down. The slowest stream watched, 5-minute candles, publishes
 * at least once per closed candle, every 300 s plus the exchange's few seconds of close delay; three
 * candle periods means two closed candles in a row never came. Trades and depth publish far more often.
 */
export const LIVE_SILENCE_SECONDS = 900;
/** How far back a failed step keeps its alert up. */
export const FAILURE_WINDOW = '10m';

/**
 * The live streams the silence threshold suits: trades, depth and candles of at most 5 minutes. Longer
 * candles (15m … 1M) publish less often than the threshold, so their silence says nothing.
 */
const CANDLE_WATCHED_UP_TO_MS = 5 * 60_000;
export const WATCHED_LIVE_STREAMS: readonly string[] = [
  formatDataType({ source: 'ws', kind: 'trades' }),
  formatDataType({ source: 'ws', kind: 'depth' }),
  ...KLINE_INTERVALS.filter((interval) => (fixedIntervalMs(interval) ?? Number.POSITIVE_INFINITY) <= CANDLE_WATCHED_UP_TO_MS).map((interval) =>
    formatDataType({ source: 'ws', kind: 'candles', interval }),
  ),
];

const COMMAND_GROUPS = `group=~"${commandGroupFor('.+')}"`;

const pipeline: RuleGroup = {
  name: 'streamforge.pipeline',
  rules: [
    {
      alert: 'StreamforgeConsumerLagGrowing',
      expr: `${lagPerGroup()} > 0\nand on (fn, group)\nderiv(${lagPerGroup()}[${LAG_TREND_WINDOW}:1m]) > 0`,
      for: LAG_GROWING_FOR,
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $labels.fn }} is falling behind on {{ $labels.group }}',
        description: `The lag of consumer group {{ $labels.group }} ({{ $labels.fn }}) is {{ $value | humanize }} records and its trend over ${LAG_TREND_WINDOW} has pointed up for ${LAG_GROWING_FOR}: records arrive faster than {{ $labels.fn }} handles them.`,
        runbook:
          "Check that {{ $labels.fn }} runs and how many replicas it has (`streamforge cluster status`, or `kubectl -n streamforge get scaledjobs,scaledobjects,pods -l app.kubernetes.io/name={{ $labels.fn }}`): KEDA never scales past the topic's partitions. Its batch duration and failed records are on the 'Functions' dashboard.",
      },
    },
    {
      alert: 'StreamforgeDeadLetters',
      expr: `sum by (fn) (rate(streamforge_records_dead_lettered_total[5m])) * 60 > ${DEAD_LETTERS_PER_MINUTE}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: '{{ $labels.fn }} is dead-lettering {{ $value | humanize }} records a minute',
        description: `{{ $labels.fn }} has sent more than ${DEAD_LETTERS_PER_MINUTE} record a minute to the dead-letter topic for 5 minutes: records it can never handle (bad frames, invalid records), each with its reason.`,
        runbook: `Read the records on ${DEAD_LETTER_TOPIC}: each carries its reason and function in the headers x-dead-letter-reason and x-dead-letter-function, and {{ $labels.fn }}'s logs say the same ("record dead-lettered"). Usually an exchange that changed its format, or a producer writing bad records.`,
      },
    },
    {
      alert: 'StreamforgeCommandsWaitingAtZero',
      expr: `${lagPerGroup(COMMAND_GROUPS)} > 0\nunless on (fn)\nstreamforge_function_info`,
      for: WAITING_AT_ZERO_FOR,
      labels: { severity: 'critical' },
      annotations: {
        summary: '{{ $labels.fn }} has commands waiting and no running instance',
        description: `{{ $labels.group }} has held {{ $value | humanize }} waiting commands for ${WAITING_AT_ZERO_FOR} while no {{ $labels.fn }} runs anywhere: KEDA is not scaling it up from zero, or its pods never start.`,
        runbook:
          "Look at the ScaledJob or ScaledObject (`kubectl -n streamforge describe scaledjob,scaledobject {{ $labels.fn }}`: its trigger, KEDA's events and the operator's logs), then at the Jobs and pods it made (`kubectl -n streamforge get jobs,pods -l app.kubernetes.io/name={{ $labels.fn }}`): image pulls, quota, scheduling.",
      },
    },
  ],
};

const failuresOf = (causes: readonly string[]) => `sum by (step, cause) (increase(streamforge_workflow_step_failures_total{cause=~"${causes.join('|')}"}[${FAILURE_WINDOW}])) > 0`;

const workflows: RuleGroup = {
  name: 'streamforge.workflows',
  rules: [
    {
      alert: 'StreamforgeStepFailed',
      expr: failuresOf(['error', 'pod_failed']),
      for: '1m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A {{ $labels.step }} step failed ({{ $labels.cause }})',
        description: `{{ if eq $labels.cause "pod_failed" }}The pod running a {{ $labels.step }} step failed (OOMKilled, an image that cannot be pulled, a crash loop){{ else }}{{ $labels.step }} reported an error for a step{{ end }} in the last ${FAILURE_WINDOW}, and its workflow failed.`,
        runbook:
          "`GET /workflows/<id>` names the failed step, its reason and the pod that ran it; `streamforge logs <pod>` or `kubectl -n streamforge logs <pod>` shows its output. An OOMKilled pod needs a higher memory limit in the registry's resources for {{ $labels.step }}.",
      },
    },
    {
      alert: 'StreamforgeStepHeartbeatTimeout',
      expr: failuresOf(['silent', 'not_started']),
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A {{ $labels.step }} step timed out ({{ $labels.cause }})',
        description: `{{ if eq $labels.cause "silent" }}A {{ $labels.step }} step started, then said nothing for longer than STEP_SILENCE_TIMEOUT_MS (1 min by default): its process hung or died without a word{{ else }}No {{ $labels.step }} took a command within STEP_START_TIMEOUT_MS (5 min by default){{ end }}; the orchestrator failed the step and its workflow in the last ${FAILURE_WINDOW}.`,
        runbook:
          '{{ if eq $labels.cause "silent" }}Find the pod that ran the step (`GET /workflows/<id>`) and read its logs and its last heartbeat; a pod killed mid-step is restarted by KEDA from its uncommitted command.{{ else }}Is {{ $labels.step }} scaled up on its command lag? See StreamforgeCommandsWaitingAtZero and `streamforge cluster status`.{{ end }}',
      },
    },
  ],
};

const live: RuleGroup = {
  name: 'streamforge.live',
  rules: [
    {
      alert: 'StreamforgeLiveStreamSilent',
      expr: `time() - max by (fn, stream, symbol) (streamforge_live_last_publish_timestamp_seconds{stream=~"${WATCHED_LIVE_STREAMS.join('|')}"}) > ${LIVE_SILENCE_SECONDS}`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Live {{ $labels.stream }} of {{ $labels.symbol }} has published nothing for {{ $value | humanizeDuration }}',
        description: `{{ $labels.fn }} runs the {{ $labels.stream }} stream of {{ $labels.symbol }} but has published nothing on its data topic for more than ${LIVE_SILENCE_SECONDS / 60} minutes: the exchange's stream is down or stuck, or {{ $labels.fn }} cannot publish.`,
        runbook:
          "The 'Live market' dashboard shows its reconnects, resyncs and backfills; {{ $labels.fn }}'s logs say whether the socket keeps closing; the visualizer's page shows the symbol as down. Cancelling the live workflow removes the stream (and this alert).",
      },
    },
  ],
};

export const RULE_GROUPS: readonly RuleGroup[] = [pipeline, workflows, live];

/** observability/prometheus/alerts.yml: the rule file Prometheus loads (`rule_files`). */
export function alertRulesFile(): string {
  const banner =
    '# StreamForge alert rules: load with `rule_files` in prometheus.yml; check with `promtool check rules`.\n# Generated by `npm run manifests` from platform/observability/alerts.ts; edit the generator, not this file.\n';
  return `${banner}${stringify({ groups: RULE_GROUPS }, { lineWidth: 0 })}`;
}
