// `streamforge fn <name>`: one function from the registry alone, as in its container.
import { z } from 'zod';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { parseOptions } from './args.ts';
import { untilSignal } from './signals.ts';
import { UsageError } from './usage.ts';

export async function main(argv: readonly string[]): Promise<number> {
  const { positionals } = parseOptions(argv, {}, z.object({}));
  const { FUNCTIONS, functionNamed } = await import('../registry.ts');
  const name = positionals[0];
  if (!name || positionals.length > 1) throw new UsageError(`fn takes one function name: ${FUNCTIONS.map((f) => f.name).join(' | ')}`);
  functionNamed(name);
  const config = loadConfig();
  const logger = createLogger(name, config.logLevel);
  const { startFunctionProcess } = await import('../function-process.ts');
  const running = await startFunctionProcess(name, config, logger);
  logger.info({ url: running.url, bus: config.bus.kind, store: config.store.kind }, `${name} ready`);
  const signal = await untilSignal();
  logger.info({ signal }, 'draining');
  await running.stop();
  return 0;
}
