// The whole platform in one process: the simulator (unless a real exchange is configured), every step
// function and the orchestrator from the registry, on the configured adapters, the API on one port and
// the visualizer's page on another.
import type { Config } from '../shared/config.ts';
import { instrumentBus } from '../shared/harness/lag-metrics.ts';
import { healthRoutes } from '../shared/http/health.ts';
import { serveApp } from '../shared/http/serve.ts';
import type { Logger } from '../shared/logger.ts';
import type { ExchangeSim } from '../functions/exchange-sim/index.ts';
import type { WorkflowEngine } from '../functions/orchestrator/index.ts';
import { createPorts, type PlatformPorts, readinessChecks } from './ports.ts';
import { FUNCTIONS, type FunctionContext, type StartedFunction, functionNamed, groupOwner } from './registry.ts';

export interface LocalPlatform {
  readonly url: string;
  /** The visualizer's page and its /live socket. */
  readonly visualizerUrl: string;
  readonly restUrl: string;
  readonly sim: ExchangeSim | undefined;
  readonly ports: PlatformPorts;
  readonly engine: WorkflowEngine;
  stop(): Promise<void>;
}

/** Loopback unless HOST says otherwise: the local platform is for this machine. */
const LOCAL_HOST = '127.0.0.1';
const LOCAL_PORT = 8080;

async function startSim(config: Config) {
  const { startExchangeSim } = await import('../functions/exchange-sim/serve.ts');
  return startExchangeSim({
    port: config.exchange.simPort,
    host: config.host ?? LOCAL_HOST,
    seed: config.exchange.simSeed,
    speed: config.exchange.simSpeed,
    market: { path: config.exchange.simMarketPath },
  });
}

export async function startLocalPlatform(config: Config, logger: Logger): Promise<LocalPlatform> {
  const ports = await createPorts(config, logger);
  const sim = config.exchange.restUrl ? undefined : await startSim(config);
  const restUrl = config.exchange.restUrl ?? sim!.url;
  const context: FunctionContext = { config, ports, restUrl };
  const steps: StartedFunction[] = [];
  const stepSpecs = FUNCTIONS.filter((f) => f.target);
  for (const spec of stepSpecs) steps.push(await spec.start(context));
  const orchestrator = await functionNamed('orchestrator').start(context);
  const app = orchestrator.app!;
  app.route('/', healthRoutes(ports.registry, readinessChecks(ports, { objects: true })));
  const http = await serveApp(app, config.port ?? LOCAL_PORT, config.host ?? LOCAL_HOST);
  const detach = orchestrator.attach?.(http);
  // The visualizer follows this process's orchestrator, on a port of its own.
  const visualizer = await functionNamed('visualizer').start({ ...context, config: { ...config, visualizer: { ...config.visualizer, orchestratorUrl: http.url } } });
  const visualizerApp = visualizer.app!;
  visualizerApp.route('/', healthRoutes(ports.registry, readinessChecks(ports, { objects: false })));
  const visualizerHttp = await serveApp(visualizerApp, config.visualizer.port, config.host ?? LOCAL_HOST);
  const detachVisualizer = visualizer.attach?.(visualizerHttp);
  // The live PPO agent follows the same orchestrator; it decides once models:/ppo@champion exists.
  const liveAgent = await functionNamed('rl-agent-live').start({ ...context, config: { ...config, visualizer: { ...config.visualizer, orchestratorUrl: http.url } } });
  instrumentBus(ports.registry, ports.bus, () => [...steps, orchestrator, visualizer, liveAgent].flatMap((fn) => fn.subscriptions()), groupOwner);
  for (const spec of [...stepSpecs, ...['orchestrator', 'visualizer', 'rl-agent-live'].map(functionNamed)]) ports.instrumentation.emit('function.started', { fn: spec.name });
  return {
    url: http.url,
    visualizerUrl: visualizerHttp.url,
    restUrl,
    sim: sim?.sim,
    ports,
    engine: orchestrator.engine!,
    async stop() {
      await detachVisualizer?.();
      await visualizerHttp.close();
      await visualizer.stop();
      await liveAgent.stop();
      await detach?.();
      await http.close();
      await Promise.all(steps.map((fn) => fn.stop()));
      await orchestrator.stop();
      await sim?.close();
      await ports.close();
    },
  };
}
