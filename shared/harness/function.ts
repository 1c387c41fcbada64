// The harness every function runs in: receives its commands, runs steps, reports progress, commits, drains.
import { type ControlCommand, WORKFLOW_ID_HEADER, controlTopicFor } from '../contracts/control.ts';
import { commandGroupFor } from '../contracts/names.ts';
import type { RetryPolicy } from '../retry.ts';
import { consumeForever } from './consume.ts';
import { deadLetter } from './dead-letter.ts';
import { OffsetTracker } from './offset-tracker.ts';
import { runReportedStep } from './run-step.ts';
import { Slots } from './slots.ts';
import type { FunctionDefinition, Ports } from './step.ts';

export type { FunctionDefinition, Ports, Progress, StepContext, StepResult } from './step.ts';

export interface RunningFunction {
  readonly definition: FunctionDefinition;
  /** The (group, topic) pairs this function reads now: its commands and its running steps' data. */
  subscriptions(): { group: string; topic: string }[];
  /** Since when nothing has run or arrived, or undefined while a step runs. */
  idleSince(): number | undefined;
  /** Stop fetching commands, let steps in flight finish their batch, leave the group. */
  stop(): Promise<void>;
}

export interface HarnessOptions {
  /** Steps run at once by this instance. */
  readonly concurrency?: number;
  readonly retry?: RetryPolicy;
  /** Longest silence on queue-events while a step works. */
  readonly heartbeatMs?: number;
  /** The pod and Job this instance runs in, named in its reports (from POD_NAME, JOB_NAME). */
  readonly pod?: string | undefined;
  readonly job?: string | undefined;
}

const stepKey = (command: ControlCommand) => `${command.queue_id}/${command.target}`;

export function startFunction(definition: FunctionDefinition, ports: Ports, options: HarnessOptions = {}): RunningFunction {
  const log = ports.logger.child({ fn: definition.name });
  const running = new Map<string, { readonly controller: AbortController; readonly command: ControlCommand }>();
  const inFlight = new Set<Promise<void>>();
  const tracker = new OffsetTracker();
  const slots = new Slots(options.concurrency ?? 8);
  const fn = definition.name;
  let lastActivity = Date.now();

  const runStep = async (command: ControlCommand, workflowId: string | undefined, controller: AbortController) => {
    await slots.acquire();
    try {
      return await runReportedStep(definition, ports, options, command, controller.signal, workflowId);
    } finally {
      slots.release();
    }
  };

  function handleCommand(command: ControlCommand, workflowId: string | undefined, done: () => Promise<void>): Promise<void> | undefined {
    const key = stepKey(command);
    if (command.command === 'stop') {
      running.get(key)?.controller.abort('cancelled');
      return done();
    }
    if (running.has(key)) return done(); // a redelivered duplicate of a step already running here
    const controller = new AbortController();
    running.set(key, { controller, command });
    const task = runStep(command, workflowId, controller)
      .then((outcome) => (outcome === 'done' ? done() : undefined))
      .catch((error) => log.error({ err: error }, 'could not finish step'))
      .finally(() => {
        running.delete(key);
        inFlight.delete(task);
        lastActivity = Date.now();
      });
    inFlight.add(task);
    return undefined;
  }

  const commandTopic = controlTopicFor(definition.target);
  const reader = consumeForever(ports, { fn, group: commandGroupFor(definition.target), topic: commandTopic }, async (batch) => {
    lastActivity = Date.now();
    for (const { value: command, record } of batch.messages) {
      const done = tracker.track(batch, record);
      if (command.target === definition.target) await handleCommand(command, record.headers[WORKFLOW_ID_HEADER], done);
      else {
        await deadLetter(ports, fn, { record }, `command for ${command.target} on the topic of ${definition.target}`);
        await done();
      }
    }
    // Dead-lettered records at the end of the batch are handled too: without this they would stay
    // uncommitted, and KEDA would see lag that no instance can ever clear.
    await tracker.track(batch, batch.last)();
  });

  return {
    definition,
    subscriptions: () => [
      { group: commandGroupFor(definition.target), topic: commandTopic.name },
      ...[...running.values()].flatMap(({ command }) => (definition.group ? (definition.consumes?.(command) ?? []).map((topic) => ({ group: definition.group!, topic })) : [])),
    ],
    idleSince: () => (running.size > 0 ? undefined : lastActivity),
    async stop() {
      await reader.stop();
      for (const { controller } of running.values()) controller.abort('shutdown');
      await Promise.allSettled([...inFlight]);
    },
  };
}
