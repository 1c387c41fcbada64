// The orchestrator's clock: fails a step whose function never took it or went silent (nothing waits
// forever), and deletes the data topics of ended workflows once their grace period is over.
import type { Logger } from 'pino';
import type { Step, Workflow } from '../../shared/contracts/workflow.ts';

export interface WatchdogOptions {
  /** A step whose function has not reported "started" this long after its command fails. */
  readonly startTimeoutMs: number;
  /** A started step whose function has said nothing for this long fails. */
  readonly silenceTimeoutMs: number;
  /** Data topics of an ended workflow are deleted this long after it ended. */
  readonly dataTopicGraceMs: number;
  /** How often the clock ticks; by default a fraction of the shortest timeout, at most 5 s. */
  readonly checkEveryMs?: number;
}

const WATCHDOG_DEFAULTS: WatchdogOptions = { startTimeoutMs: 300_000, silenceTimeoutMs: 60_000, dataTopicGraceMs: 600_000 };

export interface WatchdogActions {
  running(): Promise<Workflow[]>;
  fail(workflow: Workflow, step: Step, reason: string): Promise<void>;
  topicsDue(now: number): Promise<Workflow[]>;
  deleteTopics(workflow: Workflow): Promise<void>;
  /** Drop what was kept to recognise repeated deliveries, once older than a day. */
  forgetReceipts(now: number): Promise<void>;
}

const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1000)} s`);

/** Why a running step is overdue, or undefined. Time before `since` (this orchestrator's start) does not count. */
function overdue(step: Step, now: number, since: number, options: WatchdogOptions): string | undefined {
  if (step.status !== 'running' || !step.started_at) return undefined;
  if (!step.heard_at) {
    const waited = now - Math.max(Date.parse(step.started_at), since);
    if (waited > options.startTimeoutMs)
      return `no ${step.target} instance took the step within ${seconds(options.startTimeoutMs)} (is ${step.target} deployed and able to start?)`;
    return undefined;
  }
  const silent = now - Math.max(Date.parse(step.heard_at), since);
  if (silent > options.silenceTimeoutMs)
    return `${step.target} went silent: no report for ${seconds(silent)} (limit ${seconds(options.silenceTimeoutMs)}); last: ${step.message || 'started'}`;
  return undefined;
}

export class Watchdog {
  readonly options: WatchdogOptions;
  private readonly actions: WatchdogActions;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private since = Date.now();
  private ticking = false;

  constructor(options: Partial<WatchdogOptions> & { logger: Logger }, actions: WatchdogActions) {
    this.options = {
      startTimeoutMs: options.startTimeoutMs ?? WATCHDOG_DEFAULTS.startTimeoutMs,
      silenceTimeoutMs: options.silenceTimeoutMs ?? WATCHDOG_DEFAULTS.silenceTimeoutMs,
      dataTopicGraceMs: options.dataTopicGraceMs ?? WATCHDOG_DEFAULTS.dataTopicGraceMs,
      ...(options.checkEveryMs ? { checkEveryMs: options.checkEveryMs } : {}),
    };
    this.actions = actions;
    this.logger = options.logger;
  }

  start(): void {
    this.since = Date.now();
    const every =
      this.options.checkEveryMs ?? Math.min(5_000, Math.max(50, Math.min(this.options.startTimeoutMs, this.options.silenceTimeoutMs, this.options.dataTopicGraceMs || 5_000) / 4));
    this.timer = setInterval(() => void this.tick(), every);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = Date.now();
      for (const workflow of await this.actions.running()) {
        for (const step of workflow.steps) {
          const reason = overdue(step, now, this.since, this.options);
          if (reason) {
            await this.actions.fail(workflow, step, reason);
            break;
          }
        }
      }
      for (const workflow of await this.actions.topicsDue(now)) await this.actions.deleteTopics(workflow);
      await this.actions.forgetReceipts(now);
    } catch (error) {
      this.logger.error({ err: error }, 'watchdog tick failed');
    } finally {
      this.ticking = false;
    }
  }
}
