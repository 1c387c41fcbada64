// One function in its own process, as it runs in a container: started from its registry entry on the
// configured adapters, with /livez, /readyz and /metrics on $PORT, draining on stop.
import { Hono } from 'hono';
import type { Config } from '../shared/config.ts';
import { instrumentBus } from '../shared/harness/lag-metrics.ts';
import { healthRoutes } from '../shared/http/health.ts';
import { serveApp } from '../shared/http/serve.ts';
import type { Logger } from '../shared/logger.ts';
import { createPorts, readinessChecks } from './ports.ts';
import { functionNamed, groupOwner } from './registry.ts';

export interface FunctionProcess {
  readonly url: string;
  /** Since when the function has had nothing to do; undefined while busy or for functions that serve. */
  idleSince(): number | undefined;
  /** Given one command (jobs mode): resolves when that step has ended. */
  readonly finished: Promise<void> | undefined;
  stop(): Promise<void>;
}

/** Every interface unless HOST says otherwise: a container is reached from outside. */
const CONTAINER_HOST = '0.0.0.0';

export async function startFunctionProcess(name: string, config: Config, logger: Logger): Promise<FunctionProcess> {
  const spec = functionNamed(name);
  const ports = await createPorts(config, logger);
  const started = await spec.start({ config, ports, restUrl: config.exchange.restUrl });
  const app = started.app ?? new Hono();
  app.route('/', healthRoutes(ports.registry, readinessChecks(ports, { objects: spec.usesObjects === true })));
  instrumentBus(ports.registry, ports.bus, () => started.subscriptions(), groupOwner);
  ports.instrumentation.emit('function.started', { fn: spec.name });
  const http = await serveApp(app, config.port ?? spec.port, config.host ?? CONTAINER_HOST);
  const detach = started.attach?.(http);
  return {
    url: http.url,
    idleSince: () => started.idleSince?.(),
    finished: started.finished,
    async stop() {
      await detach?.();
      await http.close();
      await started.stop();
      await ports.close();
    },
  };
}
