// JSON logs on stdout (pino): `service` names the process (platform, or the function running alone),
// `fn` the function a line is about, and under Knative K_SERVICE/K_REVISION. Each key once per line.
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info', destination?: DestinationStream): Logger {
  const base: Record<string, string> = { service };
  if (process.env.K_SERVICE) base.k_service = process.env.K_SERVICE;
  if (process.env.K_REVISION) base.k_revision = process.env.K_REVISION;
  const options = { level, base, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options);
}

export const silentLogger: Logger = pino({ level: 'silent' });
