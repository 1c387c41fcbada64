// orchestrator (the seed's queue-manager): the workflow engine and its HTTP + WebSocket API.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Ports } from '../../shared/harness/function.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import { type OrchestratorAppOptions, createOrchestratorApp } from './app.ts';
import { WorkflowEngine } from './engine.ts';
import { exchangeCatalog } from './exchange-catalog.ts';
import type { Launcher } from './launcher.ts';
import type { WatchdogOptions } from './watchdog.ts';

export type { Launcher } from './launcher.ts';

export { attachWorkflowSocket } from './ws.ts';
export type { WorkflowEngine } from './engine.ts';

export interface OrchestratorOptions extends Partial<WatchdogOptions> {
  /** Container image announced in commands for a target. */
  readonly image: (target: string) => string;
  readonly eventsFrom?: 'consumer' | 'cloudevents';
  readonly launcher?: Launcher;
  /** The exchange whose symbols and history bound what a workflow may ask for. */
  readonly restUrl?: string | undefined;
  readonly maxWorkflowSize?: number;
  readonly maxUploadBytes?: number;
}

export interface Orchestrator {
  readonly app: OpenAPIHono;
  readonly engine: WorkflowEngine;
}

export function createOrchestrator(ports: Pick<Ports, 'bus' | 'store' | 'objects' | 'logger' | 'instrumentation'>, options: OrchestratorOptions): Orchestrator {
  const { image, restUrl, maxWorkflowSize, maxUploadBytes, eventsFrom, launcher, ...watchdog } = options;
  const engine = new WorkflowEngine({ ...ports, image, ...watchdog, ...(eventsFrom ? { eventsFrom } : {}), ...(launcher ? { launcher } : {}) });
  const appOptions: OrchestratorAppOptions = {
    engine,
    store: ports.store,
    logger: ports.logger,
    lag: (group, topic) => ports.bus.lag(group, topic),
    registry: new ModelRegistry(ports),
    ...(maxUploadBytes ? { maxUploadBytes } : {}),
    ...(restUrl ? { catalog: exchangeCatalog(restUrl) } : {}),
    ...(maxWorkflowSize ? { maxWorkflowSize } : {}),
  };
  return { app: createOrchestratorApp(appOptions), engine };
}
