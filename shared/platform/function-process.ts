// One function in its own process, as it runs in a pod: its harness or API on the configured adapters,
// with /livez, /readyz and /metrics on $PORT, draining on SIGTERM.
import { Hono } from 'hono';
import type { Config } from '../config.ts';
import { ConfigError } from '../config.ts';
import { startFunction, type FunctionDefinition } from '../harness/function.ts';
import { healthRoutes } from '../http/health.ts';
import type { Logger } from '../logger.ts';
import { createLoader } from '../../functions/loader/index.ts';
import { createPersister } from '../../functions/persister/index.ts';
import { attachWorkflowSocket } from '../../functions/orchestrator/index.ts';
import { checkBus } from '../../functions/dummy/index.ts';
import { ORCHESTRATOR_READS, platformOrchestrator } from './orchestrator.ts';
import { instrumentLag } from './lag-metrics.ts';
import { createPorts } from './ports.ts';
import { serveApp, type ServedApp } from './serve.ts';

export const FUNCTION_NAMES = ['orchestrator', 'loader', 'persister', 'dummy'] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export interface FunctionProcess {
  readonly url: string;
  stop(): Promise<void>;
}

function restUrl(config: Config): string {
  if (!config.BINANCE_REST_URL) {
    throw new ConfigError('Invalid configuration: the loader needs BINANCE_REST_URL (https://api.binance.com, or the URL `streamforge sim` prints)');
  }
  return config.BINANCE_REST_URL;
}

const workers: Partial<Record<FunctionName, (config: Config) => FunctionDefinition>> = {
  loader: (config) => createLoader({ restUrl: restUrl(config) }),
  persister: () => createPersister(),
};

export async function startFunctionProcess(name: string, config: Config, logger: Logger): Promise<FunctionProcess> {
  if (!(FUNCTION_NAMES as readonly string[]).includes(name)) throw new Error(`unknown function "${name}"; one of ${FUNCTION_NAMES.join(', ')}`);
  const definition = workers[name as FunctionName]?.(config);
  const ports = await createPorts(config, logger);
  const stops: (() => Promise<void>)[] = [];
  let app = new Hono();
  let attach: ((http: ServedApp) => () => Promise<void>) | undefined;

  if (definition) {
    const running = startFunction(definition, ports);
    stops.push(() => running.stop());
    instrumentLag(ports.registry, ports.bus, () => running.subscriptions());
  } else if (name === 'orchestrator') {
    const orchestrator = platformOrchestrator(config, ports, config.BINANCE_REST_URL);
    await orchestrator.engine.start();
    stops.push(() => orchestrator.engine.stop());
    instrumentLag(ports.registry, ports.bus, () => [ORCHESTRATOR_READS]);
    app = orchestrator.app;
    attach = (http) => attachWorkflowSocket(http.server, orchestrator.engine);
  } else {
    const result = await checkBus(ports.bus);
    logger.info(result, 'bus check');
    if (!result.ok) throw new Error(result.message);
  }

  app.route('/', healthRoutes(ports.registry, { bus: () => ports.bus.ping(), store: () => ports.store.ping() }));
  const http = await serveApp(app, config.PORT, config.HOST);
  const detach = attach?.(http);
  return {
    url: http.url,
    async stop() {
      await detach?.();
      await http.close();
      for (const stop of stops) await stop();
      await ports.close();
    },
  };
}
