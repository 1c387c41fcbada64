// One zod schema over the environment: a bad setting fails at boot with a message that names it.
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

export const configSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().default('0.0.0.0'),
  BUS: z.enum(['embedded', 'kafka']).default('embedded'),
  STORE: z.enum(['sqlite', 'arango']).default('sqlite'),
  OBJECT_STORE: z.enum(['fs', 's3']).default('fs'),
  DATA_DIR: z.string().min(1).default('.streamforge'),
  BINANCE_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
  SIM_PORT: port.default(8081),
  SIM_SEED: z.coerce.number().int().default(42),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('streamforge'),
  KAFKA_SSL: z.enum(['true', 'false']).default('false'),
  KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512', 'plain']).optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  /** Retention of the topics the platform creates (data, commands, events). */
  KAFKA_RETENTION_MS: z.coerce.number().int().positive().default(7 * 86_400_000),
  ARANGO_URL: z.url().optional(),
  ARANGO_DATABASE: z.string().min(1).default('streamforge'),
  ARANGO_USER: z.string().min(1).default('root'),
  ARANGO_PASSWORD: z.string().default(''),
  IMAGE_REGISTRY: z.string().default('streamforge'),
  IMAGE_TAG: z.string().default('v0.1.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema> & { readonly dataDir: string };

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(configSchema.shape).flatMap((name) => (env[name] === undefined || env[name] === '' ? [] : [[name, env[name]]])),
  );
  const parsed = configSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}=${JSON.stringify(env[name] ?? '')}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const config = parsed.data;
  if (config.BUS === 'kafka' && !config.KAFKA_BROKERS) throw new ConfigError('Invalid configuration: BUS=kafka needs KAFKA_BROKERS (host:port,...)');
  if (config.KAFKA_SASL_MECHANISM && !(config.KAFKA_SASL_USERNAME && config.KAFKA_SASL_PASSWORD)) {
    throw new ConfigError(`Invalid configuration: KAFKA_SASL_MECHANISM=${config.KAFKA_SASL_MECHANISM} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  }
  if (config.STORE === 'arango' && !config.ARANGO_URL) throw new ConfigError('Invalid configuration: STORE=arango needs ARANGO_URL');
  return { ...config, dataDir: resolve(config.DATA_DIR) };
}
