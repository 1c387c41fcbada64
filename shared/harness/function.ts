// The harness every function runs in: receives its commands, runs steps, reports progress, commits, drains.
import type { Logger } from 'pino';
import { controlCommandSchema, controlTopicFor, type ControlCommand } from '../contracts/control.ts';
import { EVENTS_TOPIC, type QueueEvent, type StepStatus } from '../contracts/events.ts';
import { parseRecord } from '../contracts/parse.ts';
import { errorMessage, isRetriable } from '../errors.ts';
import type { Bus } from '../ports/bus.ts';
import { readForever } from './consume.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { Store } from '../ports/store.ts';
import { withRetry } from '../retry.ts';
import { deadLetter } from './dead-letter.ts';
import type { Instrumentation } from './instrumentation.ts';
import { OffsetTracker } from './offset-tracker.ts';

export interface Ports {
  readonly bus: Bus;
  readonly store: Store;
  readonly objects: ObjectStore;
  readonly logger: Logger;
  readonly instrumentation: Instrumentation;
}

export interface Progress {
  readonly message: string;
  readonly records_written: number;
}

export interface StepContext extends Ports {
  readonly command: ControlCommand;
  /** Aborted when the orchestrator stops the step (reason 'cancelled') or the process drains (reason 'shutdown'). */
  readonly signal: AbortSignal;
  report(progress: Progress): Promise<void>;
}

export interface StepResult {
  readonly records_written: number;
  readonly message: string;
}

export interface FunctionDefinition {
  /** Folder name under functions/. */
  readonly name: string;
  /** Name on the wire: the command's `target` and the prefix of `telemetry_id`. */
  readonly target: string;
  /** Consumer group of this function's data subscriptions, e.g. arango-connector-group. */
  readonly group: string;
  run(ctx: StepContext): Promise<StepResult>;
  /** Topics a step reads in `group`, for lag reporting. */
  consumes?(command: ControlCommand): readonly string[];
}

export interface RunningFunction {
  readonly definition: FunctionDefinition;
  /** The (group, topic) pairs this function reads now: its commands and its running steps' data. */
  subscriptions(): { group: string; topic: string }[];
  /** Stop fetching commands, let steps in flight finish their batch, leave the group. */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly concurrency?: number;
  readonly stepRetries?: number;
}

const stepKey = (command: ControlCommand) => `${command.queue_id}/${command.target}`;

/** Steps are idempotent, so a step failing on a transient error runs again: about a minute of tries. */
const STEP_RETRY = { retries: 8, minDelayMs: 500, maxDelayMs: 10_000 };
const EVENT_RETRY = { retries: 12, minDelayMs: 250, maxDelayMs: 5_000 };

/**
 * Commands are read in a group of their own, so data consumers joining and leaving the function's data
 * group never rebalance the command reader (and never hand a running step's command to another instance).
 */
export const commandGroupFor = (target: string) => `${target}-commands`;

export function startFunction(definition: FunctionDefinition, ports: Ports, options: HarnessOptions = {}): RunningFunction {
  const { bus, logger, instrumentation } = ports;
  const log = logger.child({ fn: definition.name });
  const running = new Map<string, { readonly controller: AbortController; readonly command: ControlCommand }>();
  const inFlight = new Set<Promise<void>>();
  const tracker = new OffsetTracker();
  const concurrency = options.concurrency ?? 8;
  let slotsFree = concurrency;
  const slotWaiters: (() => void)[] = [];

  const emit = (command: ControlCommand, status: StepStatus, progress: Progress, finished: boolean) => {
    const event: QueueEvent = {
      queue_id: command.queue_id,
      producer: command.telemetry_id,
      symbol: command.symbol,
      type: command.type,
      status,
      message: progress.message,
      records_written: progress.records_written,
      finished,
      timestamp: Date.now() / 1000,
    };
    // Progress must reach the orchestrator even across a short broker outage.
    return withRetry(() => bus.publish(EVENTS_TOPIC, [{ key: command.queue_id, value: JSON.stringify(event) }]), EVENT_RETRY);
  };

  const acquire = async () => {
    if (slotsFree > 0) return void slotsFree--;
    await new Promise<void>((resolve) => slotWaiters.push(resolve));
  };
  const release = () => {
    const next = slotWaiters.shift();
    if (next) next();
    else slotsFree++;
  };

  async function runStep(command: ControlCommand, controller: AbortController): Promise<'done' | 'interrupted'> {
    const started = performance.now();
    let records = 0;
    const ended = async (status: StepStatus, message: string, finished: boolean) => {
      await emit(command, status, { message, records_written: records }, finished);
      const outcome = status === 'finished' || status === 'error' || status === 'cancelled' ? status : 'interrupted';
      instrumentation.emit('step.ended', { fn: definition.name, queueId: command.queue_id, outcome, seconds: (performance.now() - started) / 1000, records });
    };
    // Cancelled steps are done (their command is committed); interrupted ones go to the next instance.
    const endAborted = async (when: string): Promise<'done' | 'interrupted'> => {
      const shutdown = controller.signal.reason === 'shutdown';
      await ended(shutdown ? 'interrupted' : 'cancelled', shutdown ? `Interrupted by shutdown ${when}; another instance resumes` : `Cancelled ${when}`, !shutdown);
      return shutdown ? 'interrupted' : 'done';
    };
    await acquire();
    try {
      if (controller.signal.aborted) return await endAborted('before start');
      instrumentation.emit('step.started', { fn: definition.name, queueId: command.queue_id });
      await emit(command, 'started', { message: `${definition.target} started ${command.symbol} ${command.type}`, records_written: 0 }, false);
      const ctx: StepContext = {
        ...ports,
        logger: log.child({ queue_id: command.queue_id }),
        command,
        signal: controller.signal,
        report: async (progress) => {
          records = progress.records_written;
          instrumentation.emit('step.progress', { fn: definition.name, queueId: command.queue_id, records });
          await emit(command, 'loading', progress, false);
        },
      };
      const result = await withRetry(() => definition.run(ctx), {
        ...STEP_RETRY,
        retries: options.stepRetries ?? STEP_RETRY.retries,
        signal: controller.signal,
        onRetry: (error, attempt) => {
          log.warn({ err: error, queue_id: command.queue_id, attempt }, 'step failed, retrying');
          instrumentation.emit('step.retry', { fn: definition.name, queueId: command.queue_id, attempt, error: errorMessage(error) });
        },
      });
      records = result.records_written;
      await ended('finished', result.message, true);
      return 'done';
    } catch (error) {
      if (controller.signal.aborted) return await endAborted('while running');
      log.error({ err: error, queue_id: command.queue_id, retriable: isRetriable(error) }, 'step failed');
      await ended('error', errorMessage(error), true);
      return 'done';
    } finally {
      release();
    }
  }

  async function handleCommand(command: ControlCommand, done: () => Promise<void>) {
    const key = stepKey(command);
    if (command.command === 'stop') {
      running.get(key)?.controller.abort('cancelled');
      return done();
    }
    if (running.has(key)) return done(); // a redelivered duplicate of a step already running here
    const controller = new AbortController();
    running.set(key, { controller, command });
    const task = runStep(command, controller)
      .then((outcome) => (outcome === 'done' ? done() : undefined))
      .catch((error) => log.error({ err: error }, 'could not finish step'))
      .finally(() => {
        running.delete(key);
        inFlight.delete(task);
      });
    inFlight.add(task);
  }

  const reader = readForever(
    bus,
    { group: commandGroupFor(definition.target), topics: [controlTopicFor(definition.target)] },
    async (batch) => {
      for (const record of batch.records) {
        const done = tracker.track(batch, record);
        const parsed = parseRecord(controlCommandSchema, record.value);
        if (!parsed.ok) {
          await deadLetter(ports, definition.name, record, `malformed command: ${parsed.reason}`);
          log.warn({ offset: record.offset, reason: parsed.reason }, 'malformed command dead-lettered');
          await done();
          continue;
        }
        if (parsed.value.target !== definition.target) {
          await deadLetter(ports, definition.name, record, `command for ${parsed.value.target} on the topic of ${definition.target}`);
          await done();
        } else await handleCommand(parsed.value, done);
      }
    },
    log,
  );

  return {
    definition,
    subscriptions: () => [
      { group: commandGroupFor(definition.target), topic: controlTopicFor(definition.target) },
      ...[...running.values()].flatMap(({ command }) => (definition.consumes?.(command) ?? []).map((topic) => ({ group: definition.group, topic }))),
    ],
    async stop() {
      await reader.stop();
      for (const { controller } of running.values()) controller.abort('shutdown');
      await Promise.allSettled([...inFlight]);
    },
  };
}
