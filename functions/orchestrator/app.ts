// The orchestrator's HTTP API (Hono + zod-openapi): start, inspect and cancel workflows; read stored
// market data a page at a time. Every request is validated by the schemas its OpenAPI entry shows.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { describeFractions, minimumWindows } from '../../shared/analytics/time-split.ts';
import { minimumBars } from '../../shared/analytics/walk-forward.ts';
import { RSI_WARMUP_BARS } from '../../shared/analytics/indicators.ts';
import { fixedIntervalMs } from '../../shared/binance/intervals.ts';
import { formatDataType } from '../../shared/contracts/data-type.ts';
import { targetOfProducer } from '../../shared/contracts/names.ts';
import { DEFAULT_PIPELINE_OPTIONS, type PipelineOptions } from '../../shared/contracts/pipeline.ts';
import { daysIn, formatDate } from '../../shared/contracts/time-range.ts';
import { type Step, type Workflow, type WorkflowRequest, isTerminal, pipelineCandleType, workflowSchema } from '../../shared/contracts/workflow.ts';
import { badRequest, httpError, onError } from '../../shared/http/errors.ts';
import { healthRoutesDoc } from '../../shared/http/health.ts';
import type { PartitionLag } from '../../shared/ports/bus.ts';
import type { Store } from '../../shared/ports/store.ts';
import type { ModelRegistry } from '../../shared/models/registry.ts';
import type { StoredCandle, StoredTrade } from '../../shared/contracts/stored.ts';
import { errorMessage } from '../../shared/errors.ts';
import { receiveCloudEvent } from './cloudevents.ts';
import {
  cancelWorkflowRoute,
  cloudEventsRoute,
  candlesRoute,
  createWorkflowRoute,
  getWorkflowRoute,
  listWorkflowsRoute,
  socketRoute,
  tradesRoute,
  workflowEventsRoute,
  candlePageSchema,
  listSchema,
  timelinePageSchema,
  tradePageSchema,
  workflowViewSchema,
} from './api.ts';
import type { WorkflowEngine } from './engine.ts';
import type { ExchangeCatalog } from './exchange-catalog.ts';
import { type Page, readCandles, readTrades } from '../../shared/store/market-data.ts';
import { mountModelRoutes, registryErrorAsHttp } from './models-app.ts';
import { encodeCursor } from './queries.ts';

export interface OrchestratorAppOptions {
  readonly engine: WorkflowEngine;
  readonly store: Store;
  readonly logger: Logger;
  /** What the exchange lists; absent (or unreachable), the loader reports unknown symbols at run time. */
  readonly catalog?: ExchangeCatalog;
  readonly maxBodyBytes?: number;
  /** Largest workflow accepted: symbols × days × types. */
  readonly maxWorkflowSize?: number;
  /** Consumer lag of a group on a topic, shown on the steps that read one. */
  readonly lag?: (group: string, topic: string) => Promise<PartitionLag[]>;
  /** The model registry served under /models; absent, those routes are not served. */
  readonly registry?: ModelRegistry;
  readonly maxUploadBytes?: number;
}

const DEFAULT_MAX_WORKFLOW_SIZE = 1000;

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** 415 for a body that is not declared JSON, 400 naming `body` for one that does not parse. */
const jsonBody: MiddlewareHandler = async (c, next) => {
  const type = c.req.header('content-type');
  if (!type || !JSON_TYPE.test(type)) {
    throw httpError(415, `content-type: ${c.req.method} ${c.req.path} takes application/json, not ${type ? `"${type}"` : 'a body without a content type'}`, {
      field: 'content-type',
    });
  }
  try {
    JSON.parse(await c.req.text());
  } catch {
    throw httpError(400, 'body: must be a JSON object', { field: 'body' });
  }
  await next();
};

export function createOrchestratorApp(options: OrchestratorAppOptions): OpenAPIHono {
  const { engine, store } = options;
  const logger = options.logger.child({ fn: 'orchestrator' });
  const maxBody = options.maxBodyBytes ?? 64 * 1024;
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) throw badRequest(result.error);
    },
  });
  app.onError((error, c) => onError(registryErrorAsHttp(error), c, (e) => logger.error({ err: e }, 'request failed')));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.on('POST', '/workflows', bodyLimit({ maxSize: maxBody, onError: () => httpError(413, `request body too large (limit ${maxBody} bytes)`).getResponse() }), jsonBody);
  app.openapi(createWorkflowRoute, async (c) => {
    const request = c.req.valid('json');
    await admit(request, options);
    const workflow = await engine.create(request);
    c.header('location', `/workflows/${workflow.id}`);
    return c.json({ id: workflow.id, status: workflow.status === 'pending' ? ('pending' as const) : ('running' as const) }, 202);
  });

  app.openapi(listWorkflowsRoute, async (c) => {
    const query = c.req.valid('query');
    const workflows = await engine.list({ limit: query.limit, ...(query.status ? { status: query.status } : {}) });
    return wire(c, listSchema, { workflows });
  });

  app.openapi(getWorkflowRoute, async (c) => {
    const workflow = await found(engine, c.req.valid('param').id);
    const lag = workflow.data_topics.deleted ? undefined : options.lag;
    const steps = await Promise.all(workflow.steps.map((step) => withLag(step, lag)));
    return wire(c, workflowViewSchema, { ...workflow, steps });
  });

  app.openapi(workflowEventsRoute, async (c) => {
    const workflow = await found(engine, c.req.valid('param').id);
    const { after, limit } = c.req.valid('query');
    const { entries, more } = await engine.events(workflow.id, after, limit);
    const cursor = entries.at(-1)?.seq ?? after;
    let next: string | null = null;
    if (more) {
      const url = new URL(c.req.url);
      url.searchParams.set('after', String(cursor));
      next = `${url.pathname}${url.search}`;
      c.header('link', `<${next}>; rel="next"`);
    }
    return wire(c, timelinePageSchema, { workflow_id: workflow.id, count: entries.length, entries, cursor, next, partial: more });
  });

  app.openapi(cancelWorkflowRoute, async (c) => {
    const before = await found(engine, c.req.valid('param').id);
    if (isTerminal(before.status)) throw httpError(409, `workflow ${before.id} already ${before.status}`);
    const workflow = await engine.cancel(before.id);
    if (workflow?.status !== 'cancelled') throw httpError(409, `workflow ${before.id} already ${workflow?.status}`);
    return wire(c, workflowSchema, workflow);
  });

  app.openapi(candlesRoute, async (c) => {
    const query = c.req.valid('query');
    const result = await readCandles(store, query);
    const paging = pageLinks(c.req.url, result, (next) => c.header('link', `<${next}>; rel="next"`));
    const candles = result.items as StoredCandle[];
    return wire(c, candlePageSchema, { symbol: query.symbol, interval: query.interval, from: query.from, to: query.to, count: candles.length, candles, ...paging });
  });

  app.openapi(tradesRoute, async (c) => {
    const query = c.req.valid('query');
    const result = await readTrades(store, query);
    const paging = pageLinks(c.req.url, result, (next) => c.header('link', `<${next}>; rel="next"`));
    const trades = result.items as StoredTrade[];
    return wire(c, tradePageSchema, { symbol: query.symbol, from: query.from, to: query.to, count: trades.length, trades, ...paging });
  });

  app.openapi(cloudEventsRoute, async (c) => {
    const { key, event } = await receiveCloudEvent(c);
    try {
      return c.json({ outcome: await engine.receive(key, event) }, 200);
    } catch (error) {
      logger.error({ err: error, key, queue_id: event.queue_id, step: targetOfProducer(event.producer) }, 'could not apply a delivered event; asking for it again');
      throw httpError(500, `could not apply the event now: ${errorMessage(error)}`);
    }
  });

  if (options.registry) mountModelRoutes(app, options.registry, { ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}) });

  app.openapi(socketRoute, (c) => c.json({ error: 'GET /ws is a WebSocket: send Upgrade: websocket' }, 426));
  for (const route of healthRoutesDoc) app.openAPIRegistry.registerPath(route);
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'StreamForge orchestrator', version: '0.1.0', description: 'Start, follow and cancel workflows; read stored market data; the model registry.' },
  });
  return app;
}

/**
 * Answers with a value in its wire form, encoded (and so checked) by the response schema the route
 * declares; the typed helpers of zod-openapi expect decoded values, which a codec's wire form is not.
 */
function wire<S extends z.ZodType>(c: Context, schema: S, value: z.output<S>): never {
  return c.json(z.encode(schema, value) as object, 200) as never;
}

async function found(engine: WorkflowEngine, id: string): Promise<Workflow> {
  const workflow = await engine.get(id);
  if (!workflow) throw httpError(404, `no workflow ${id}`, { field: 'id' });
  return workflow;
}

function pageLinks(url: string, page: Page<unknown>, setLink: (next: string) => void) {
  if (!page.next) return { next: null, partial: false };
  const next = new URL(url);
  next.searchParams.set('cursor', encodeCursor(page.next));
  const link = `${next.pathname}${next.search}`;
  setLink(link);
  return { next: link, partial: true };
}

/** Checks that need more than the schema: the clock, the size cap, and what the exchange has. */
async function admit(request: WorkflowRequest, options: OrchestratorAppOptions): Promise<void> {
  const range = request.time_range;
  if (range.from > Date.now()) throw httpError(400, `time_range: starts in the future (${formatDate(range.from)}); there is no history to load yet`, { field: 'time_range' });
  const live = request.types.findIndex((type) => type.source === 'ws');
  if (live >= 0 && range.to <= Date.now()) {
    const type = formatDataType(request.types[live]!);
    throw httpError(400, `time_range: ends ${formatDate(range.to)}, already past; ${type} streams live until the range ends, so the range must include today`, {
      field: 'time_range',
    });
  }
  const cap = options.maxWorkflowSize ?? DEFAULT_MAX_WORKFLOW_SIZE;
  const size = request.symbols.length * daysIn(range) * request.types.length;
  if (size > cap) {
    const shape = `${request.symbols.length} symbols × ${daysIn(range)} days × ${request.types.length} types = ${size.toLocaleString('en-US')}`;
    throw httpError(
      400,
      `body: workflow too large: ${shape}, over the cap of ${cap.toLocaleString('en-US')} symbol-days-types (WORKFLOW_MAX_SIZE); split it into smaller workflows`,
      { field: 'body' },
    );
  }
  checkPipelineLength(request);
  const catalog = options.catalog;
  if (!catalog) return;
  const symbols = await catalog.symbols();
  for (const [i, symbol] of request.symbols.entries()) {
    if (symbols && !symbols.has(symbol)) throw httpError(400, `symbols[${i}]: unknown symbol ${symbol} on the exchange`, { field: `symbols[${i}]` });
    const first = await catalog.firstDay(symbol);
    if (first !== undefined && range.from < first) {
      throw httpError(400, `time_range: ${symbol} has no data before ${formatDate(first)}, its first day on the exchange; start the range on or after it`, { field: 'time_range' });
    }
  }
}

/** A reading step's consumer lag on its topic, per partition and in total; absent when it cannot be read. */
async function withLag(step: Step, lag: OrchestratorAppOptions['lag']) {
  if (!step.consumer_group || !lag) return step;
  try {
    const partitions = await lag(step.consumer_group, step.kafka_topic);
    return {
      ...step,
      lag: partitions.reduce((sum, p) => sum + p.lag, 0),
      lag_partitions: partitions.map((p) => ({ partition: p.partition, end_offset: p.endOffset, committed_offset: p.committedOffset, lag: p.lag })),
    };
  } catch {
    return step;
  }
}

/** A pipeline whose range cannot give its stages enough windows or folds is refused before anything is loaded. */
function checkPipelineLength(request: WorkflowRequest): void {
  const stages = request.pipeline ?? [];
  const type = pipelineCandleType(request);
  if (stages.length === 0 || type?.kind !== 'candles') return;
  const intervalMs = fixedIntervalMs(type.interval);
  const options = request.options ?? DEFAULT_PIPELINE_OPTIONS;
  if (!intervalMs) throw httpError(400, `types: the pipeline cuts bars of a fixed length into windows; ${type.interval} varies`, { field: 'types' });
  const range = request.time_range;
  const bars = Math.floor((Math.min(range.to, Date.now()) - range.from) / intervalMs);
  if (stages.includes('graph')) checkGraphWindows(bars, type.interval, options, stages.includes('train'));
  if (stages.includes('rl_train') || stages.includes('backtest')) checkWalkForward(bars, type.interval, options, stages);
}

function checkGraphWindows(bars: number, interval: string, { graph, train }: PipelineOptions, training: boolean): void {
  const windows = bars < graph.window_bars ? 0 : Math.floor((bars - graph.window_bars) / graph.stride_bars) + 1;
  const needed = training ? minimumWindows(graph, train) : 1;
  if (windows >= needed) return;
  const purpose = training ? `training with a ${describeFractions(train)} time split needs at least ${needed}` : 'a graph needs at least one';
  throw httpError(
    400,
    `time_range: ${bars} bars of ${interval} give ${windows} windows of ${graph.window_bars} bars every ${graph.stride_bars}; ${purpose}: widen the range or shorten the windows (options.graph)`,
    { field: 'time_range' },
  );
}

/** One walk-forward fold at least, and a training period long enough for what fits on it. */
function checkWalkForward(bars: number, interval: string, options: PipelineOptions, stages: readonly string[]): void {
  const spec = options.walk_forward;
  const needed = minimumBars(spec);
  if (bars < needed) {
    throw httpError(
      400,
      `time_range: ${bars} bars of ${interval} are fewer than the minimum of ${needed} that one walk-forward fold needs (train_bars ${spec.train_bars} + test_bars ${spec.test_bars}): widen the range or shorten options.walk_forward`,
      { field: 'time_range' },
    );
  }
  const slowest = Math.max(...options.backtest.sma_slow);
  if (stages.includes('backtest') && slowest >= spec.train_bars) {
    const field = 'options.backtest.sma_slow';
    throw httpError(400, `${field}: a slow average of ${slowest} bars cannot be fitted on training periods of ${spec.train_bars} bars; the minimum train_bars is ${slowest + 1}`, {
      field,
    });
  }
  const rl = options.rl_train;
  // An episode is fed the window's returns and RSI's warm-up first, from the bars before its start.
  const episodeNeeds = rl.episode_bars + rl.window + RSI_WARMUP_BARS + 1;
  if (stages.includes('rl_train') && episodeNeeds > spec.train_bars) {
    const field = 'options.rl_train.episode_bars';
    throw httpError(
      400,
      `${field}: an episode of ${rl.episode_bars} bars after ${rl.window + RSI_WARMUP_BARS + 1} bars of observation warm-up needs training periods of at least ${episodeNeeds} bars, not ${spec.train_bars}`,
      { field },
    );
  }
}
