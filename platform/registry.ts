// The function registry: every function of the platform, once. The CLI (`up`, `fn`), the benchmarks,
// the bundles and the generated keda/ and knative/ manifests all read this table. Adding a function
// means one folder under functions/ and one entry here. Entries import their function only when started.
import type { Hono } from 'hono';
import type { Config } from '../shared/config.ts';
import { controlTopicFor } from '../shared/contracts/control.ts';
import { eventsTopic } from '../shared/contracts/events.ts';
import { modelUpdatesTopic } from '../shared/contracts/models.ts';
import { signalsTopic } from '../shared/contracts/signals.ts';
import { DUMMY_SCRATCH_TOPIC, GROUPS, TARGETS, type Target, commandGroupFor } from '../shared/contracts/names.ts';
import { ConfigError } from '../shared/config.ts';
import { DEAD_LETTER_TOPIC } from '../shared/harness/dead-letter.ts';
import { type FunctionDefinition, startFunction } from '../shared/harness/function.ts';
import { runSingleCommand } from '../shared/harness/run-step.ts';
import type { Consumed } from '../shared/harness/lag-metrics.ts';
import type { ServedApp } from '../shared/http/serve.ts';
import type { WorkflowEngine } from '../functions/orchestrator/index.ts';
import { UsageError } from './cli/usage.ts';
import type { PlatformPorts } from './ports.ts';

export interface Resources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

/**
 * How the function scales in a cluster: a batch function is a KEDA ScaledJob on its command topic (a Job
 * per waiting command, whose pod exits once idle); a long-running data consumer a Deployment under a KEDA
 * ScaledObject resting at zero; an HTTP function a Knative Service; `none` is not deployed.
 */
export type Scaling =
  | { readonly kind: 'job'; readonly maxReplicas: number; readonly lagThreshold: number; readonly pollingIntervalSeconds: number; readonly exitWhenIdleMs: number }
  | { readonly kind: 'consumer'; readonly maxReplicas: number; readonly lagThreshold: number; readonly pollingIntervalSeconds: number; readonly cooldownSeconds: number }
  | { readonly kind: 'service'; readonly minScale: number; readonly maxScale: number; readonly concurrency: number }
  | { readonly kind: 'none' };

export interface FunctionContext {
  readonly config: Config;
  readonly ports: PlatformPorts;
  /** The Binance-compatible exchange: BINANCE_REST_URL, or the simulator the platform started. */
  readonly restUrl: string | undefined;
}

export interface StartedFunction {
  /** Routes of an HTTP function, served with the health routes on its port. */
  // biome-ignore lint/suspicious/noExplicitAny: apps differ in their Env and schema types; only fetch and route are used.
  readonly app?: Hono<any, any, any>;
  /** Anything that needs the running server itself (the orchestrator's WebSocket). */
  attach?(http: ServedApp): () => Promise<void>;
  readonly engine?: WorkflowEngine;
  /** The (group, topic) pairs it reads now, for the lag gauge. */
  subscriptions(): readonly Consumed[];
  /** For a step function: since when it has had nothing to do (undefined while busy). */
  idleSince?(): number | undefined;
  /** A Job's pod given one command (STEP_COMMAND): resolves when that step has ended. */
  readonly finished?: Promise<void>;
  stop(): Promise<void>;
}

export interface FunctionSpec {
  /** Folder under functions/, CLI and bundle name. */
  readonly name: string;
  readonly summary: string;
  /** Wire name of a step function: the target of its commands. */
  readonly target?: Target;
  /** Consumer groups it reads in, and the topics it reads and writes (`<queue_id>-data` stands for every step's data topic). */
  readonly groups: readonly string[];
  readonly reads: readonly string[];
  readonly writes: readonly string[];
  /** Its port when it runs alone on a machine ($PORT overrides; a container always gets $PORT). */
  readonly port: number;
  /** It reads or writes the object store (the model registry): /readyz checks that too. */
  readonly usesObjects?: boolean;
  /** It writes the results database (RESULTS_DATABASE_URL, from a Secret in a cluster). */
  readonly usesResults?: boolean;
  readonly resources: Resources;
  readonly scaling: Scaling;
  start(context: FunctionContext): Promise<StartedFunction>;
}

const DATA_TOPICS = '<queue_id>-data';
/** Partitions of each command topic: no more instances of a step function can share its commands. */
export const COMMAND_PARTITIONS = 3;

function requireRestUrl(restUrl: string | undefined): string {
  if (!restUrl) throw new ConfigError('Invalid configuration: the loader needs BINANCE_REST_URL (https://api.binance.com, or the URL `streamforge sim` prints)');
  return restUrl;
}

/** A step function runs in the harness: commands from its topic, one step per command; or, given one command, just that. */
function stepFunction(definition: FunctionDefinition, { config, ports }: FunctionContext): StartedFunction {
  const options = { heartbeatMs: config.heartbeatMs, pod: config.cluster.pod, job: config.cluster.job };
  if (config.stepCommand) {
    const single = runSingleCommand(definition, ports, options, config.stepCommand, config.stepWorkflowId);
    return { subscriptions: () => [], finished: single.ended.then(() => undefined), stop: () => single.stop() };
  }
  const running = startFunction(definition, ports, options);
  return { subscriptions: () => running.subscriptions(), idleSince: () => running.idleSince(), stop: () => running.stop() };
}

/** The pod a step function's Job runs in jobs mode: the same pod its KEDA manifest gives it. */
async function jobPodTemplate() {
  const { jobPod } = await import('./manifests/pods.ts');
  return (target: string) => {
    const spec = FUNCTIONS.find((f) => f.target === target);
    if (!spec) throw new Error(`no function has the wire name ${target}`);
    return jobPod(spec);
  };
}

/** Binance serves REST and streams from different hosts; a simulator serves both on one port. */
export function streamUrlFor(restUrl: string, configured: string | undefined): string {
  if (configured) return configured;
  const url = new URL(restUrl);
  if (url.hostname === 'api.binance.com') return 'wss://stream.binance.com:9443';
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

/** A step function that reads nothing but its commands: its command group on its command topic. */
const readsItsCommands = (target: Target) => ({ target, groups: [commandGroupFor(target)], reads: [controlTopicFor(target).name] });

/** A batch step function: a KEDA ScaledJob starts a Job per waiting command; its pod exits once idle. */
const JOB_PER_COMMAND: Scaling = { kind: 'job', maxReplicas: COMMAND_PARTITIONS, lagThreshold: 1, pollingIntervalSeconds: 10, exitWhenIdleMs: 15_000 };

const small: Resources = { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'orchestrator',
    summary: 'HTTP API and workflow engine: plans steps, sends commands, follows queue-events',
    groups: [GROUPS.orchestrator],
    reads: [eventsTopic.name],
    writes: [...Object.values(TARGETS).map((target) => controlTopicFor(target).name), DATA_TOPICS, modelUpdatesTopic.name],
    port: 8080,
    usesObjects: true,
    resources: small,
    // One engine serializes a workflow's updates, so one replica; it may sleep when idle.
    scaling: { kind: 'service', minScale: 0, maxScale: 1, concurrency: 100 },
    async start({ config, ports, restUrl }) {
      const { createOrchestrator, attachWorkflowSocket } = await import('../functions/orchestrator/index.ts');
      const { launchMode, namespace } = config.cluster;
      // The Kubernetes client is loaded only in a cluster.
      const launcher =
        launchMode === 'local'
          ? undefined
          : (await import('../functions/orchestrator/launcher.ts')).createKubeLauncher({
              mode: launchMode,
              namespace,
              podTemplate: await jobPodTemplate(),
              onError: (error) => ports.logger.warn({ err: error }, 'watching pods failed; watching again'),
            });
      const orchestrator = createOrchestrator(ports, {
        eventsFrom: config.eventsFrom,
        ...(launcher ? { launcher } : {}),
        image: (target) => `${config.images.registry}/${target}:${config.images.tag}`,
        restUrl,
        maxWorkflowSize: config.workflow.maxSize,
        maxUploadBytes: config.modelUploadMaxBytes,
        startTimeoutMs: config.workflow.startTimeoutMs,
        silenceTimeoutMs: config.workflow.silenceTimeoutMs,
        dataTopicGraceMs: config.workflow.dataTopicGraceMs,
      });
      // Its workflow metrics start from the workflows left running, before a restart's recovery settles them.
      const running = (await orchestrator.engine.list({ status: 'running', limit: 10_000 })).length;
      const functions = FUNCTIONS.flatMap((f) => (f.target ? [{ target: f.target, fn: f.name }] : []));
      ports.instrumentation.emit('orchestrator.started', { functions, running });
      await orchestrator.engine.start();
      return {
        app: orchestrator.app,
        engine: orchestrator.engine,
        attach: (http) => attachWorkflowSocket(http.server, orchestrator.engine),
        subscriptions: () => [{ group: GROUPS.orchestrator, topic: eventsTopic.name }, ...commandSubscriptions()],
        stop: () => orchestrator.engine.stop(),
      };
    },
  },
  {
    name: 'loader',
    summary: "historical klines and aggregated trades from Binance REST into a step's data topic",
    ...readsItsCommands(TARGETS.loader),
    writes: [DATA_TOPICS, eventsTopic.name, DEAD_LETTER_TOPIC],
    port: 8090,
    resources: small,
    scaling: JOB_PER_COMMAND,
    async start(context) {
      const { createLoader } = await import('../functions/loader/index.ts');
      return stepFunction(createLoader({ restUrl: requireRestUrl(context.restUrl) }), context);
    },
  },
  {
    name: 'loader-ws',
    summary: "live trades, candles or the order book from the exchange's WebSocket into a step's data topic, complete across reconnects",
    ...readsItsCommands(TARGETS.loaderWs),
    writes: [DATA_TOPICS, eventsTopic.name, DEAD_LETTER_TOPIC],
    port: 8094,
    resources: small,
    // A live step streams until cancelled: a long-running consumer of its command topic, at zero when no
    // live workflow runs. Its commands are never committed while the step runs, so the lag holds it up.
    scaling: { kind: 'consumer', maxReplicas: COMMAND_PARTITIONS, lagThreshold: 1, pollingIntervalSeconds: 10, cooldownSeconds: 60 },
    async start(context) {
      const { createLoaderWs } = await import('../functions/loader-ws/index.ts');
      const restUrl = requireRestUrl(context.restUrl);
      return stepFunction(createLoaderWs({ restUrl, wsUrl: streamUrlFor(restUrl, context.config.exchange.wsUrl) }), context);
    },
  },
  {
    name: 'persister',
    summary: "a step's data topic into the store with indicators, bad records to the dead-letter topic",
    target: TARGETS.persister,
    groups: [commandGroupFor(TARGETS.persister), GROUPS.persister],
    reads: [controlTopicFor(TARGETS.persister).name, DATA_TOPICS],
    writes: [eventsTopic.name, DEAD_LETTER_TOPIC],
    port: 8091,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '768Mi' } },
    // It streams a data topic for as long as the loader writes it: a consumer that stays warm between steps.
    scaling: { kind: 'consumer', maxReplicas: COMMAND_PARTITIONS, lagThreshold: 1, pollingIntervalSeconds: 10, cooldownSeconds: 60 },
    async start(context) {
      const { createPersister } = await import('../functions/persister/index.ts');
      return stepFunction(createPersister(), context);
    },
  },
  {
    name: 'graph-builder',
    summary: "the workflow's stored candles into one symbol graph per sliding window: window features on the vertices, correlation edges",
    ...readsItsCommands(TARGETS.graphBuilder),
    writes: [eventsTopic.name],
    port: 8095,
    // 200 symbols × a month of 5m bars is 1.7 million candles held while the graphs are cut.
    resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '2Gi' } },
    scaling: JOB_PER_COMMAND,
    async start(context) {
      const { createGraphBuilder } = await import('../functions/graph-builder/index.ts');
      return stepFunction(createGraphBuilder(), context);
    },
  },
  {
    name: 'gnn-trainer',
    summary: 'a graph convolutional network on the symbol graphs, evaluated against baselines on later windows, registered with its metrics and lineage',
    ...readsItsCommands(TARGETS.gnnTrainer),
    writes: [eventsTopic.name, modelUpdatesTopic.name],
    port: 8096,
    usesObjects: true,
    // Training is CPU-bound (tfjs on the pure JavaScript backend): a whole core. It holds a graph's vertices and
    // edges while it trains: 200 symbols over a month is about 2.5 million edges, near 3 GB (npm run bench).
    resources: { requests: { cpu: '1', memory: '1536Mi' }, limits: { cpu: '2', memory: '4Gi' } },
    scaling: JOB_PER_COMMAND,
    async start(context) {
      const { createGnnTrainer } = await import('../functions/gnn-trainer/index.ts');
      return stepFunction(createGnnTrainer(), context);
    },
  },
  {
    name: 'rl-agent',
    summary: 'a PPO trading agent trained walk-forward on the stored candles, each fold scored out of sample against buy-and-hold, registered with a policy per fold',
    ...readsItsCommands(TARGETS.rlAgent),
    writes: [eventsTopic.name, modelUpdatesTopic.name],
    port: 8097,
    usesObjects: true,
    // Training is CPU-bound (tfjs on the pure JavaScript backend); the bars and two small networks fit easily.
    resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1536Mi' } },
    scaling: JOB_PER_COMMAND,
    async start(context) {
      const { createRlTrainer } = await import('../functions/rl-agent/index.ts');
      return stepFunction(createRlTrainer(), context);
    },
  },
  {
    name: 'rl-agent-live',
    summary: "the champion PPO policy deciding on every closed candle of the live workflows' streams, published to signals, hot-reloaded when champion moves",
    groups: [GROUPS.rlAgent],
    reads: [DATA_TOPICS, modelUpdatesTopic.name],
    writes: [signalsTopic.name, DEAD_LETTER_TOPIC],
    port: 8098,
    usesObjects: true,
    resources: small,
    // Like the visualizer: each live topic is one partition read by one member of its group, and the paper
    // positions live in memory, so one instance decides for every symbol; it stays up to hear every candle.
    scaling: { kind: 'service', minScale: 1, maxScale: 1, concurrency: 100 },
    async start({ config, ports }) {
      const [{ startLiveAgent }, { ModelRegistry }] = await Promise.all([import('../functions/rl-agent/live.ts'), import('../shared/models/registry.ts')]);
      const agent = await startLiveAgent(ports, { registry: new ModelRegistry(ports), orchestratorUrl: config.visualizer.orchestratorUrl, reference: config.rlAgent.model });
      return { subscriptions: () => agent.subscriptions(), stop: () => agent.stop() };
    },
  },
  {
    name: 'backtester',
    summary: 'buy-and-hold, an SMA crossover and the PPO policies scored walk-forward over the stored candles after costs, results to PostgreSQL',
    ...readsItsCommands(TARGETS.backtester),
    writes: [eventsTopic.name],
    port: 8099,
    usesObjects: true,
    usesResults: true,
    resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    scaling: JOB_PER_COMMAND,
    async start(context) {
      const [{ createBacktester }, { createResultsStore }] = await Promise.all([import('../functions/backtester/index.ts'), import('./ports.ts')]);
      const results = await createResultsStore(context.config.results);
      const started = stepFunction(createBacktester({ results }), context);
      return {
        ...started,
        async stop() {
          await started.stop();
          await results.close();
        },
      };
    },
  },
  {
    name: 'exchange-sim',
    summary: 'Binance-compatible REST and WebSocket exchange with deterministic synthetic markets, for offline runs and fault injection',
    groups: [],
    reads: [],
    writes: [],
    port: 8081,
    resources: small,
    scaling: { kind: 'none' },
    async start({ config }) {
      const { createExchangeSim, attachExchangeSocket } = await import('../functions/exchange-sim/index.ts');
      const sim = createExchangeSim({ seed: config.exchange.simSeed, speed: config.exchange.simSpeed, market: { path: config.exchange.simMarketPath } });
      // Its WebSocket streams are served on the port of its REST API.
      return { app: sim.app, attach: (http) => attachExchangeSocket(http.server, sim), subscriptions: () => [], stop: async () => undefined };
    },
  },
  {
    name: 'dummy',
    summary: 'connectivity check: produces, consumes and commits on a scratch topic, then serves its health',
    groups: [GROUPS.dummy],
    reads: [DUMMY_SCRATCH_TOPIC],
    writes: [DUMMY_SCRATCH_TOPIC],
    port: 8092,
    resources: small,
    scaling: { kind: 'none' },
    async start({ ports }) {
      const { checkBus } = await import('../functions/dummy/index.ts');
      const result = await checkBus(ports.bus);
      ports.logger.info(result, 'bus check');
      if (!result.ok) throw new Error(result.message);
      return { subscriptions: () => [], stop: async () => undefined };
    },
  },
  {
    name: 'visualizer',
    summary: 'a page for traders: live candles with RSI and VWAP, order-book heatmap, trade tape and workflow status',
    groups: [GROUPS.visualizer],
    reads: [DATA_TOPICS],
    writes: [DEAD_LETTER_TOPIC],
    port: 8093,
    resources: small,
    // Each live topic holds one symbol in one partition, read by one member of visualizer-group: a second
    // replica would get none of it, so one instance serves every page. No page open, it may sleep.
    scaling: { kind: 'service', minScale: 0, maxScale: 1, concurrency: 1000 },
    async start({ config, ports }) {
      const { createVisualizer } = await import('../functions/visualizer/index.ts');
      const visualizer = createVisualizer(ports, { orchestratorUrl: config.visualizer.orchestratorUrl });
      visualizer.start();
      return { app: visualizer.app, attach: (http) => visualizer.attach(http.server), subscriptions: () => visualizer.subscriptions(), stop: () => visualizer.stop() };
    },
  },
];

/** The function that reads in a consumer group: the `fn` of its lag. */
export function groupOwner(group: string): string {
  return FUNCTIONS.find((f) => f.groups.includes(group))?.name ?? 'unknown';
}

/** Every step function's command group and topic: the orchestrator reports their lag even while a function runs no instance. */
const commandSubscriptions = (): Consumed[] => FUNCTIONS.flatMap((f) => (f.target ? [{ group: commandGroupFor(f.target), topic: controlTopicFor(f.target).name }] : []));

export function functionNamed(name: string): FunctionSpec {
  const spec = FUNCTIONS.find((f) => f.name === name);
  if (!spec) throw new UsageError(`unknown function "${name}"; one of ${FUNCTIONS.map((f) => f.name).join(', ')}`);
  return spec;
}
