// A function's container entry, `node dist/<name>.mjs`: the function from the registry on the configured
// adapters, /livez, /readyz and /metrics on $PORT. SIGTERM drains (finish the batch in flight, commit,
// leave the group) within DRAIN_TIMEOUT_MS; a Job's pod (EXIT_WHEN_IDLE_MS set) exits once it has had
// nothing to do for that long, so KEDA's Jobs complete and the function goes back to zero.
import { ConfigError, loadConfig } from '../shared/config.ts';
import { createLogger } from '../shared/logger.ts';
import { startFunctionProcess } from './function-process.ts';

export async function runContainer(name: string): Promise<never> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger(name, config.logLevel);
  const running = await startFunctionProcess(name, config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, `${name} could not start`);
    process.exit(1);
  });
  logger.info({ url: running.url, bus: config.bus.kind, store: config.store.kind }, `${name} ready`);

  const reason = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    // A Job's pod given one command is done when that step has ended.
    running.finished?.then(() => resolve('its one step ended'));
    const idleAfter = config.exitWhenIdleMs;
    if (idleAfter) {
      setInterval(
        () => {
          const since = running.idleSince();
          if (since !== undefined && Date.now() - since >= idleAfter) resolve(`idle for ${idleAfter} ms`);
        },
        Math.min(1000, idleAfter),
      ).unref();
    }
  });
  logger.info({ reason }, 'draining');
  const deadline = setTimeout(() => {
    logger.error({ timeout_ms: config.drainTimeoutMs }, 'drain did not finish in time; exiting');
    process.exit(1);
  }, config.drainTimeoutMs);
  await running.stop();
  clearTimeout(deadline);
  logger.info('drained');
  process.exit(0);
}
