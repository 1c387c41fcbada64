// JSON logs on stdout (pino), tagged with the function name and, under Knative, service and revision.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  const base: Record<string, string> = { fn: name };
  if (process.env.K_SERVICE) base.k_service = process.env.K_SERVICE;
  if (process.env.K_REVISION) base.k_revision = process.env.K_REVISION;
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime });
}

export const silentLogger: Logger = pino({ level: 'silent' });
