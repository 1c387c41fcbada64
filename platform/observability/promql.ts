// PromQL the alerts and the dashboards share, so a panel shows exactly what an alert judges.

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const RATE_INTERVAL = '$__rate_interval';

/** A label matcher, or nothing when no label is given. */
export const selector = (matchers: string) => (matchers ? `{${matchers}}` : '');

/**
 * Each partition's lag once (the orchestrator reports every command group's lag, and a running function
 * its own too), summed per function and group.
 */
export const lagPerGroup = (matchers = '') => `sum by (fn, group) (max by (fn, group, topic, partition) (streamforge_consumer_lag${selector(matchers)}))`;

/** Per second, summed by the given labels. */
export const perSecond = (counter: string, by: string, matchers = '', window = RATE_INTERVAL) =>
  `${by ? `sum by (${by}) ` : 'sum'}(rate(${counter}${selector(matchers)}[${window}]))`;

/** Per minute, for events that come a few at a time (steps, workflows, reconnects). */
export const perMinute = (counter: string, by: string, matchers = '', window = RATE_INTERVAL) => `${perSecond(counter, by, matchers, window)} * 60`;

/** A quantile of a histogram over `window`, by the given labels. */
export const quantile = (q: number, histogram: string, by: string, matchers = '', window = RATE_INTERVAL) =>
  `histogram_quantile(${q}, sum by (${by}, le) (rate(${histogram}_bucket${selector(matchers)}[${window}])))`;

/**
 * A per-process metric (prom-client's defaults carry no function) beside each function running in that
 * process: one series per function and scrape target, the process's value.
 */
export const perFunctionProcess = (fnMatchers: string, expr: string) => `streamforge_function_info${selector(fnMatchers)} * on (job, instance) group_left () ${expr}`;
