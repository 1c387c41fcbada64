// The orchestrator's engine on embedded adapters, started, for its tests: options override any default.
import { WorkflowEngine, type EngineOptions } from '../functions/orchestrator/engine.ts';
import { MemoryBus } from '../shared/adapters/embedded/memory-bus.ts';
import { SqliteStore } from '../shared/adapters/embedded/sqlite-store.ts';
import { Instrumentation } from '../shared/harness/instrumentation.ts';
import { silentLogger } from '../shared/logger.ts';

export async function startEngine(options: Partial<EngineOptions> = {}) {
  const bus = options.bus ?? new MemoryBus();
  const store = options.store ?? new SqliteStore(':memory:');
  const engine = new WorkflowEngine({ logger: silentLogger, instrumentation: new Instrumentation(), image: (t) => `test/${t}`, ...options, bus, store });
  await engine.start();
  return { engine, bus, store };
}
