// One step from start to end, reported on queue-events: started, progress and heartbeats, each retry,
// and how it ended. The harness runs every command through this; a Job's pod runs its one command.
import { type ControlCommand, controlCommandSchema } from '../contracts/control.ts';
import type { StepOutcome } from '../contracts/pipeline.ts';
import { errorMessage, isRetriable } from '../errors.ts';
import { DEFAULT_HEARTBEAT_MS, StepReporter } from './reporter.ts';
import { type FunctionDefinition, type Ports, STEP_RETRY, runAttempts } from './step.ts';
import type { HarnessOptions } from './function.ts';

/** `done`: finished, failed or cancelled (commit the command); `interrupted`: shut down mid-step (leave it for the next instance). */
export type StepEnd = 'done' | 'interrupted';

/** `workflowId`: the workflow the command belongs to, when its sender said (a header, or STEP_WORKFLOW_ID). */
export async function runReportedStep(
  definition: FunctionDefinition,
  ports: Ports,
  options: HarnessOptions,
  command: ControlCommand,
  signal: AbortSignal,
  workflowId?: string,
): Promise<StepEnd> {
  const fn = definition.name;
  const { instrumentation } = ports;
  const started = performance.now();
  // Every line of the step names its workflow, step and function, so a log search for one finds it all.
  const stepLog = ports.logger.child({ fn, workflow_id: workflowId ?? command.stage?.workflow_id, queue_id: command.queue_id, step: command.target });
  const reporter = new StepReporter(ports.bus, command, stepLog, { pod: options.pod, job: options.job });
  /** A step's records written so far; what is new since the last report counts as the function's records out. */
  const wrote = (records: number) => {
    if (records > reporter.records) instrumentation.emit('records.out', { fn, count: records - reporter.records });
    reporter.records = records;
  };
  const ended = async (outcome: 'finished' | 'error' | 'cancelled' | 'interrupted', message: string, result?: StepOutcome) => {
    await reporter.send(outcome, message, undefined, result);
    instrumentation.emit('step.ended', { fn, queueId: command.queue_id, outcome, seconds: (performance.now() - started) / 1000, records: reporter.records });
  };
  // Cancelled steps are done (their command is committed); interrupted ones go to the next instance.
  const endAborted = async (when: string): Promise<StepEnd> => {
    const shutdown = signal.reason === 'shutdown';
    await ended(shutdown ? 'interrupted' : 'cancelled', shutdown ? `Interrupted by shutdown ${when}; another instance resumes` : `Cancelled ${when}`);
    return shutdown ? 'interrupted' : 'done';
  };
  try {
    if (signal.aborted) return await endAborted('before start');
    instrumentation.emit('step.started', { fn, queueId: command.queue_id });
    await reporter.send('started', `${definition.target} started ${command.symbol} ${command.queue_id}`);
    reporter.startHeartbeat(options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    const ctx = {
      ...ports,
      logger: stepLog,
      command,
      signal,
      report: async (progress: { message: string; records_written: number }) => {
        wrote(progress.records_written);
        instrumentation.emit('step.progress', { fn, queueId: command.queue_id, records: progress.records_written });
        await reporter.send('loading', progress.message);
      },
    };
    const result = await runAttempts(definition, ctx, options.retry ?? STEP_RETRY, (notice) => {
      stepLog.warn({ attempt: notice.attempt, error: notice.error, delay_ms: notice.delayMs }, 'step attempt failed; retrying');
      instrumentation.emit('step.retry', { fn, queueId: command.queue_id, ...notice });
      void reporter.send('retrying', notice.error, { attempt: notice.attempt, at: Date.now() + notice.delayMs }).catch(() => undefined);
    });
    wrote(result.records_written);
    await ended('finished', result.message, result.result);
    return 'done';
  } catch (error) {
    if (signal.aborted) return await endAborted('while running');
    stepLog.error({ err: error, retriable: isRetriable(error) }, 'step failed');
    await ended('error', errorMessage(error));
    return 'done';
  } finally {
    reporter.stopHeartbeat();
  }
}

export interface SingleStep {
  /** Resolves when the step has ended (or was interrupted by `stop`). */
  readonly ended: Promise<StepEnd>;
  /** Shut down: the step is interrupted and reported so. */
  stop(): Promise<void>;
}

/**
 * The seed's jobs mode: a Job's pod is given its command (STEP_COMMAND, the seed's JSON) and runs that one
 * step, reporting on queue-events as any step does, without reading the command topic.
 */
export function runSingleCommand(definition: FunctionDefinition, ports: Ports, options: HarnessOptions, commandJson: string, workflowId?: string): SingleStep {
  const parsed = controlCommandSchema.safeParse(JSON.parse(commandJson));
  if (!parsed.success) throw new Error(`STEP_COMMAND is not a command: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (parsed.data.target !== definition.target) throw new Error(`STEP_COMMAND targets ${parsed.data.target}, not ${definition.target}`);
  const controller = new AbortController();
  const ended = runReportedStep(definition, ports, options, parsed.data, controller.signal, workflowId);
  return {
    ended,
    async stop() {
      controller.abort('shutdown');
      await ended;
    },
  };
}
