// The whole platform in one process: simulator, every function and the orchestrator, on the configured adapters.
import type { Config } from '../config.ts';
import { startFunction, type RunningFunction } from '../harness/function.ts';
import { healthRoutes } from '../http/health.ts';
import type { Logger } from '../logger.ts';
import { createLoader } from '../../functions/loader/index.ts';
import { createPersister } from '../../functions/persister/index.ts';
import { attachWorkflowSocket, type WorkflowEngine } from '../../functions/orchestrator/index.ts';
import { startExchangeSim, type RunningExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { ORCHESTRATOR_READS, platformOrchestrator } from './orchestrator.ts';
import { instrumentLag } from './lag-metrics.ts';
import { createPorts, type PlatformPorts } from './ports.ts';
import { serveApp } from './serve.ts';

export interface LocalPlatform {
  readonly url: string;
  readonly restUrl: string;
  readonly sim: RunningExchangeSim | undefined;
  readonly ports: PlatformPorts;
  readonly engine: WorkflowEngine;
  stop(): Promise<void>;
}

export async function startLocalPlatform(config: Config, logger: Logger): Promise<LocalPlatform> {
  const ports = await createPorts(config, logger);
  const sim = config.BINANCE_REST_URL ? undefined : await startExchangeSim({ port: config.SIM_PORT, seed: config.SIM_SEED });
  const restUrl = config.BINANCE_REST_URL ?? sim!.url;
  const functions: RunningFunction[] = [startFunction(createLoader({ restUrl }), ports), startFunction(createPersister(), ports)];
  const orchestrator = platformOrchestrator(config, ports, restUrl);
  orchestrator.app.route('/', healthRoutes(ports.registry, { bus: () => ports.bus.ping(), store: () => ports.store.ping() }));
  instrumentLag(ports.registry, ports.bus, () => [...functions.flatMap((fn) => fn.subscriptions()), ORCHESTRATOR_READS]);
  await orchestrator.engine.start();
  const http = await serveApp(orchestrator.app, config.PORT, config.HOST);
  const closeSocket = attachWorkflowSocket(http.server, orchestrator.engine);
  return {
    url: http.url,
    restUrl,
    sim,
    ports,
    engine: orchestrator.engine,
    async stop() {
      await closeSocket();
      await http.close();
      await Promise.all(functions.map((fn) => fn.stop()));
      await orchestrator.engine.stop();
      await sim?.close();
      await ports.close();
    },
  };
}
