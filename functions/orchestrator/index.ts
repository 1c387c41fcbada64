// orchestrator (the seed's queue-manager): the workflow engine and its HTTP + WebSocket API.
import type { Hono } from 'hono';
import type { Ports } from '../../shared/harness/function.ts';
import { createOrchestratorApp, type OrchestratorAppOptions } from './app.ts';
import { WorkflowEngine } from './engine.ts';

export { WorkflowEngine } from './engine.ts';
export { attachWorkflowSocket } from './ws.ts';

export interface OrchestratorOptions {
  readonly image: (target: string) => string;
  readonly knownSymbols?: OrchestratorAppOptions['knownSymbols'];
}

export interface Orchestrator {
  readonly app: Hono;
  readonly engine: WorkflowEngine;
}

export function createOrchestrator(ports: Pick<Ports, 'bus' | 'store' | 'logger' | 'instrumentation'>, options: OrchestratorOptions): Orchestrator {
  const engine = new WorkflowEngine({ bus: ports.bus, store: ports.store, logger: ports.logger, instrumentation: ports.instrumentation, image: options.image });
  const app = createOrchestratorApp({
    engine,
    store: ports.store,
    logger: ports.logger,
    lag: (group, topic) => ports.bus.lag(group, topic),
    ...(options.knownSymbols ? { knownSymbols: options.knownSymbols } : {}),
  });
  return { app, engine };
}
