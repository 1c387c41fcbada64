// orchestrator (the seed's queue-manager): the workflow engine and its HTTP + WebSocket API.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Ports } from '../../shared/harness/function.ts';
import { type OrchestratorAppOptions, createOrchestratorApp } from './app.ts';
import { WorkflowEngine } from './engine.ts';
import { exchangeCatalog } from './exchange-catalog.ts';
import type { WatchdogOptions } from './watchdog.ts';

export { attachWorkflowSocket } from './ws.ts';
export type { WorkflowEngine } from './engine.ts';

export interface OrchestratorOptions extends Partial<WatchdogOptions> {
  /** Container image announced in commands for a target. */
  readonly image: (target: string) => string;
  /** The exchange whose symbols and history bound what a workflow may ask for. */
  readonly restUrl?: string | undefined;
  readonly maxWorkflowSize?: number;
}

export interface Orchestrator {
  readonly app: OpenAPIHono;
  readonly engine: WorkflowEngine;
}

export function createOrchestrator(ports: Pick<Ports, 'bus' | 'store' | 'logger' | 'instrumentation'>, options: OrchestratorOptions): Orchestrator {
  const { image, restUrl, maxWorkflowSize, ...watchdog } = options;
  const engine = new WorkflowEngine({ ...ports, image, ...watchdog });
  const appOptions: OrchestratorAppOptions = {
    engine,
    store: ports.store,
    logger: ports.logger,
    lag: (group, topic) => ports.bus.lag(group, topic),
    ...(restUrl ? { catalog: exchangeCatalog(restUrl) } : {}),
    ...(maxWorkflowSize ? { maxWorkflowSize } : {}),
  };
  return { app: createOrchestratorApp(appOptions), engine };
}
