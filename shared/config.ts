// One zod schema over the environment: a bad setting fails at boot with a message that names it, and
// only settings that can run pass. Adapters get typed configurations from one discriminated schema.
import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positiveMs = z.coerce.number().int().positive();
const nonNegativeMs = z.coerce.number().int().nonnegative();
const brokers = z
  .string({ error: 'required with BUS=kafka: host:port[,host:port...]' })
  .regex(/^[^,\s:]+:\d+(,[^,\s:]+:\d+)*$/, 'must be host:port[,host:port...]')
  .transform((text) => text.split(','));

const busEnv = z.discriminatedUnion(
  'BUS',
  [
    z.object({ BUS: z.literal('embedded') }),
    z.object({
      BUS: z.literal('kafka'),
      KAFKA_BROKERS: brokers,
      KAFKA_CLIENT_ID: z.string().min(1).default('streamforge'),
      KAFKA_SSL: z.enum(['true', 'false']).default('false'),
      KAFKA_SASL_MECHANISM: z.enum(['scram-sha-256', 'scram-sha-512', 'plain']).optional(),
      KAFKA_SASL_USERNAME: z.string().optional(),
      KAFKA_SASL_PASSWORD: z.string().optional(),
    }),
  ],
  { error: 'must be one of "embedded" | "kafka"' },
);

const storeEnv = z.discriminatedUnion(
  'STORE',
  [
    z.object({ STORE: z.literal('sqlite') }),
    z.object({
      STORE: z.literal('arango'),
      ARANGO_URL: z.url({ error: 'required with STORE=arango: the server URL, e.g. http://127.0.0.1:8529' }),
      ARANGO_DATABASE: z.string().min(1).default('streamforge'),
      ARANGO_USER: z.string().min(1).default('root'),
      ARANGO_PASSWORD: z.string().default(''),
    }),
  ],
  { error: 'must be one of "sqlite" | "arango"' },
);

const objectStoreEnv = z.discriminatedUnion(
  'OBJECT_STORE',
  [
    z.object({ OBJECT_STORE: z.literal('fs') }),
    z.object({
      OBJECT_STORE: z.literal('s3'),
      /** Unset: AWS S3 itself. MinIO and other S3-compatible servers: their URL. */
      S3_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be the http(s) URL of the S3 server, e.g. http://127.0.0.1:9000' }).optional(),
      S3_BUCKET: z
        .string({ error: 'required with OBJECT_STORE=s3: the bucket of the model registry' })
        .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 lower-case letters, digits, "." or "-")'),
      AWS_REGION: z.string().min(1).default('us-east-1'),
      AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
      AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
      /** Bucket in the path (MinIO, most S3-compatible servers) or in the host name (AWS S3). Default: path with S3_ENDPOINT. */
      S3_FORCE_PATH_STYLE: z.enum(['true', 'false']).optional(),
    }),
  ],
  { error: 'must be one of "fs" | "s3"' },
);

const commonEnv = z.object({
  /** Unset: 8080 for the local platform, the registry's port for a function run alone. */
  PORT: port.optional(),
  /** Unset: loopback for the local platform, every interface for a function in its container. */
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('.streamforge'),
  BINANCE_REST_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The exchange's market streams; by default the REST URL's host (Binance's own REST host maps to its stream host). */
  BINANCE_WS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  SIM_PORT: port.default(8081),
  SIM_SEED: z.coerce.number().int().default(42),
  /** The simulator's clock runs this many times faster than the wall clock (live demos and benches). */
  SIM_SPEED: z.coerce.number().positive().max(100_000).default(1),
  /**
   * The shape of the simulator's price paths: bounded 'swings', a 'random-walk' whose returns are independent across time, or
   * 'cycles', a learnable ±3 % four-hour wave per symbol for trading tests.
   */
  SIM_MARKET_PATH: z.enum(['swings', 'random-walk', 'cycles']).default('swings'),
  /** The model the live PPO agent decides with, followed as it moves. */
  RL_AGENT_MODEL: z
    .string()
    .regex(/^models:\/[a-z0-9][a-z0-9._-]{0,62}(@[a-z][a-z0-9_-]{0,31}|\/\d+|\/latest)$/, 'must be a model reference such as models:/ppo@champion')
    .default('models:/ppo@champion'),
  /** Where the visualizer and the live agent follow workflows (the orchestrator's API and its /ws). */
  ORCHESTRATOR_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
  /** The visualizer's port in the local platform (`up`); 0 picks a free one. */
  VISUALIZER_PORT: port.default(8093),
  /** Retention of the topics the platform creates; unset, each bus has its own default (README). */
  BUS_RETENTION_MS: positiveMs.optional(),
  BUS_RETENTION_BYTES: positiveMs.optional(),
  IMAGE_REGISTRY: z.string().default('streamforge'),
  IMAGE_TAG: z.string().default('v0.1.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest model registration accepted over HTTP (held in memory while it is parsed). */
  MODEL_UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024 * 1024),
  /** Largest workflow accepted: symbols × days × types. */
  WORKFLOW_MAX_SIZE: z.coerce.number().int().positive().default(1000),
  /** A step whose function has not said "started" this long after its command fails. */
  STEP_START_TIMEOUT_MS: positiveMs.default(300_000),
  /** A started step whose function has been silent this long fails. */
  STEP_SILENCE_TIMEOUT_MS: positiveMs.default(60_000),
  /** How often a working function reports at the least. */
  HEARTBEAT_MS: positiveMs.default(5_000),
  /** Data topics of an ended workflow are deleted this long after it ended. */
  DATA_TOPIC_GRACE_MS: nonNegativeMs.default(600_000),
  /** A step function run as a Job's pod exits (0) after this long with nothing to do; unset, it stays. */
  EXIT_WHEN_IDLE_MS: positiveMs.optional(),
  /** How long a container drains on SIGTERM before it gives up (the pod's grace period, less a margin). */
  DRAIN_TIMEOUT_MS: positiveMs.default(25_000),
  /** How the orchestrator hears queue-events: its own consumer, or CloudEvents on POST /events (Knative). */
  EVENTS_FROM: z.enum(['consumer', 'cloudevents']).default('consumer'),
  /** local: no Kubernetes; keda: KEDA starts the functions, the orchestrator watches their pods; jobs: a Job per step. */
  LAUNCH_MODE: z.enum(['local', 'keda', 'jobs']).default('local'),
  /** The namespace the orchestrator launches and watches in (the downward API gives it in a pod). */
  POD_NAMESPACE: z.string().min(1).default('streamforge'),
  /** The pod and Job a function runs in, named in its reports (the downward API gives them). */
  POD_NAME: z.string().min(1).optional(),
  JOB_NAME: z.string().min(1).optional(),
  /** Jobs mode: the one command (the seed's JSON) this pod runs, instead of reading its command topic. */
  STEP_COMMAND: z.string().min(2).optional(),
  STEP_WORKFLOW_ID: z.string().min(1).optional(),
  /** Where backtest results go: a PostgreSQL database; unset, SQLite in DATA_DIR/results.db. */
  RESULTS_DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL, e.g. postgres://user:password@127.0.0.1:5432/streamforge' })
    .optional(),
});

export type BusConfig =
  | { readonly kind: 'embedded'; readonly retention: { readonly ms?: number; readonly bytes?: number } }
  | {
      readonly kind: 'kafka';
      readonly brokers: readonly string[];
      readonly clientId: string;
      readonly ssl: boolean;
      readonly sasl?: { readonly mechanism: 'scram-sha-256' | 'scram-sha-512' | 'plain'; readonly username: string; readonly password: string };
      readonly retention: { readonly ms?: number; readonly bytes?: number };
    };

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | { readonly kind: 'arango'; readonly url: string; readonly database: string; readonly username: string; readonly password: string };

/** The backtest results store: PostgreSQL in a deployment, an SQLite file embedded. */
export type ResultsConfig = { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'sqlite'; readonly file: string };

export type ObjectStoreConfig =
  | { readonly kind: 'fs'; readonly dir: string }
  | {
      readonly kind: 's3';
      readonly endpoint: string | undefined;
      readonly bucket: string;
      readonly region: string;
      /** Unset: the SDK's default chain (environment, profile, web identity, instance role). */
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
      readonly forcePathStyle: boolean;
    };

export interface Config {
  readonly port: number | undefined;
  readonly host: string | undefined;
  readonly dataDir: string;
  readonly logLevel: z.infer<typeof commonEnv>['LOG_LEVEL'];
  readonly bus: BusConfig;
  readonly store: StoreConfig;
  readonly objects: ObjectStoreConfig;
  readonly results: ResultsConfig;
  readonly exchange: {
    readonly restUrl: string | undefined;
    readonly wsUrl: string | undefined;
    readonly simPort: number;
    readonly simSeed: number;
    readonly simSpeed: number;
    readonly simMarketPath: 'swings' | 'random-walk' | 'cycles';
  };
  readonly images: { readonly registry: string; readonly tag: string };
  readonly visualizer: { readonly orchestratorUrl: string; readonly port: number };
  readonly rlAgent: { readonly model: string };
  readonly workflow: { readonly maxSize: number; readonly startTimeoutMs: number; readonly silenceTimeoutMs: number; readonly dataTopicGraceMs: number };
  readonly heartbeatMs: number;
  readonly modelUploadMaxBytes: number;
  readonly exitWhenIdleMs: number | undefined;
  readonly drainTimeoutMs: number;
  readonly eventsFrom: 'consumer' | 'cloudevents';
  readonly cluster: { readonly launchMode: 'local' | 'keda' | 'jobs'; readonly namespace: string; readonly pod: string | undefined; readonly job: string | undefined };
  readonly stepCommand: string | undefined;
  /** The workflow of STEP_COMMAND, named in the step's logs. */
  readonly stepWorkflowId: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const envSchema = commonEnv.and(busEnv).and(storeEnv).and(objectStoreEnv);
const KNOWN = new Set([...Object.keys(commonEnv.shape), ...[busEnv, storeEnv, objectStoreEnv].flatMap((union) => union.options.flatMap((o) => Object.keys(o.shape)))]);

/** A URL's password never reaches a log line, even in a setting refused at boot. */
const withoutPassword = (value: string) => value.replace(/(\/\/[^/:@\s]*:)[^@/\s]*@/, '$1***@');

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant: Record<string, string> = { BUS: 'embedded', STORE: 'sqlite', OBJECT_STORE: 'fs' };
  for (const name of KNOWN) if (env[name] !== undefined && env[name] !== '') relevant[name] = env[name]!;
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return `${name}=${JSON.stringify(withoutPassword(env[name] ?? ''))}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const retention = { ...(e.BUS_RETENTION_MS ? { ms: e.BUS_RETENTION_MS } : {}), ...(e.BUS_RETENTION_BYTES ? { bytes: e.BUS_RETENTION_BYTES } : {}) };
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    logLevel: e.LOG_LEVEL,
    bus: e.BUS === 'kafka' ? kafkaConfig(e, retention) : { kind: 'embedded', retention },
    store:
      e.STORE === 'arango'
        ? { kind: 'arango', url: e.ARANGO_URL, database: e.ARANGO_DATABASE, username: e.ARANGO_USER, password: e.ARANGO_PASSWORD }
        : { kind: 'sqlite', file: resolve(dataDir, 'store.db') },
    objects: e.OBJECT_STORE === 's3' ? s3Config(e) : { kind: 'fs', dir: resolve(dataDir, 'objects') },
    results: e.RESULTS_DATABASE_URL ? { kind: 'postgres', url: e.RESULTS_DATABASE_URL } : { kind: 'sqlite', file: resolve(dataDir, 'results.db') },
    exchange: { restUrl: e.BINANCE_REST_URL, wsUrl: e.BINANCE_WS_URL, simPort: e.SIM_PORT, simSeed: e.SIM_SEED, simSpeed: e.SIM_SPEED, simMarketPath: e.SIM_MARKET_PATH },
    images: { registry: e.IMAGE_REGISTRY, tag: e.IMAGE_TAG },
    visualizer: { orchestratorUrl: e.ORCHESTRATOR_URL.replace(/\/+$/, ''), port: e.VISUALIZER_PORT },
    rlAgent: { model: e.RL_AGENT_MODEL },
    workflow: {
      maxSize: e.WORKFLOW_MAX_SIZE,
      startTimeoutMs: e.STEP_START_TIMEOUT_MS,
      silenceTimeoutMs: e.STEP_SILENCE_TIMEOUT_MS,
      dataTopicGraceMs: e.DATA_TOPIC_GRACE_MS,
    },
    heartbeatMs: e.HEARTBEAT_MS,
    modelUploadMaxBytes: e.MODEL_UPLOAD_MAX_BYTES,
    exitWhenIdleMs: e.EXIT_WHEN_IDLE_MS,
    drainTimeoutMs: e.DRAIN_TIMEOUT_MS,
    eventsFrom: e.EVENTS_FROM,
    cluster: { launchMode: e.LAUNCH_MODE, namespace: e.POD_NAMESPACE, pod: e.POD_NAME, job: e.JOB_NAME },
    stepCommand: e.STEP_COMMAND,
    stepWorkflowId: e.STEP_WORKFLOW_ID,
  };
}

type KafkaEnv = Extract<z.output<typeof busEnv>, { BUS: 'kafka' }>;

function kafkaConfig(e: KafkaEnv, retention: BusConfig['retention']): BusConfig {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = e;
  if (mechanism && !(username && password)) {
    throw new ConfigError(`Invalid configuration: KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
  }
  return {
    kind: 'kafka',
    brokers: e.KAFKA_BROKERS,
    clientId: e.KAFKA_CLIENT_ID,
    ssl: e.KAFKA_SSL === 'true',
    ...(mechanism && username && password ? { sasl: { mechanism, username, password } } : {}),
    retention,
  };
}

type S3Env = Extract<z.output<typeof objectStoreEnv>, { OBJECT_STORE: 's3' }>;

function s3Config(e: S3Env): ObjectStoreConfig {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = e;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    throw new ConfigError('Invalid configuration: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or neither, for the default credential chain)');
  }
  return {
    kind: 's3',
    endpoint: e.S3_ENDPOINT,
    bucket: e.S3_BUCKET,
    region: e.AWS_REGION,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: e.S3_FORCE_PATH_STYLE ? e.S3_FORCE_PATH_STYLE === 'true' : e.S3_ENDPOINT !== undefined,
  };
}
