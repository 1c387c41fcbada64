// The orchestrator's HTTP API (Hono): start, inspect and cancel workflows; read stored market data.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Logger } from 'pino';
import { parseTimeRange, workflowRequestSchema, type WorkflowRequest } from '../../shared/contracts/workflow.ts';
import { HttpError, badRequest, onError } from '../../shared/http/http-error.ts';
import type { Store } from '../../shared/ports/store.ts';
import type { WorkflowEngine } from './engine.ts';
import { readCandles, readTrades } from './market-data.ts';
import { openApiDocument } from './openapi.ts';
import { isPlannable, isTerminal, type Step } from './plan.ts';
import type { PartitionLag } from '../../shared/ports/bus.ts';
import { candlesQuerySchema, listQuerySchema, tradesQuerySchema } from './queries.ts';

export interface OrchestratorAppOptions {
  readonly engine: WorkflowEngine;
  readonly store: Store;
  readonly logger: Logger;
  /** Symbols the exchange lists; undefined when it cannot be asked, and the loader reports instead. */
  readonly knownSymbols?: () => Promise<ReadonlySet<string> | undefined>;
  readonly maxBodyBytes?: number;
  /** Consumer lag of a group on a topic, shown on the steps that read one. */
  readonly lag?: (group: string, topic: string) => Promise<PartitionLag[]>;
}

export function createOrchestratorApp(options: OrchestratorAppOptions): Hono {
  const { engine, store, logger } = options;
  const app = new Hono();
  app.onError((error, c) => onError(error, c, (e) => logger.error({ err: e }, 'request failed')));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.post(
    '/workflows',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 64 * 1024,
      onError: (c) => c.json({ error: `request body too large (limit ${options.maxBodyBytes ?? 64 * 1024} bytes)` }, 413),
    }),
    async (c) => {
      const request = await validateRequest(await c.req.text(), options.knownSymbols);
      const workflow = await engine.create(request);
      c.header('location', `/workflows/${workflow.id}`);
      return c.json({ id: workflow.id, status: workflow.status }, 202);
    },
  );

  app.get('/workflows', async (c) => {
    const query = parseQuery(listQuerySchema, c.req.query());
    return c.json({ workflows: await engine.list(query) });
  });

  app.get('/workflows/:id', async (c) => {
    const workflow = await engine.get(c.req.param('id'));
    if (!workflow) throw new HttpError(404, `no workflow ${c.req.param('id')}`);
    return c.json({ ...workflow, steps: await Promise.all(workflow.steps.map((step) => withLag(step, options.lag))) });
  });

  app.post('/workflows/:id/cancel', async (c) => {
    const before = await engine.get(c.req.param('id'));
    if (!before) throw new HttpError(404, `no workflow ${c.req.param('id')}`);
    if (isTerminal(before.status)) throw new HttpError(409, `workflow ${before.id} already ${before.status}`);
    const workflow = await engine.cancel(before.id);
    if (workflow?.status !== 'cancelled') throw new HttpError(409, `workflow ${before.id} already ${workflow?.status}`);
    return c.json(workflow);
  });

  app.get('/candles', async (c) => {
    const query = parseQuery(candlesQuerySchema, c.req.query());
    const candles = await readCandles(store, query);
    return c.json({ symbol: query.symbol, interval: query.interval, from: query.from, to: query.to, count: candles.length, candles });
  });

  app.get('/trades', async (c) => {
    const query = parseQuery(tradesQuerySchema, c.req.query());
    const trades = await readTrades(store, query);
    return c.json({ symbol: query.symbol, from: query.from, to: query.to, count: trades.length, trades });
  });

  app.get('/ws', (c) => c.json({ error: 'GET /ws is a WebSocket: send Upgrade: websocket' }, 426));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  return app;
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

function parseQuery<T>(schema: { safeParse(data: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } }, query: Record<string, string>): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) throw badRequest(parsed.error);
  return parsed.data;
}

async function validateRequest(text: string, knownSymbols: OrchestratorAppOptions['knownSymbols']): Promise<WorkflowRequest> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body: must be a JSON object', { field: 'body' });
  }
  const parsed = workflowRequestSchema.safeParse(json);
  if (!parsed.success) throw badRequest(parsed.error);
  const request = parsed.data;
  const { from } = parseTimeRange(request.time_range);
  if (from > Date.now()) {
    throw new HttpError(400, `time_range: starts in the future (${request.time_range.split(':')[0]}); there is no history to load yet`, { field: 'time_range' });
  }
  request.types.forEach((type, i) => {
    if (!isPlannable(type)) throw new HttpError(400, `types[${i}]: ${type} is not available yet; live streams arrive with the loader-ws function`, { field: `types[${i}]` });
  });
  const symbols = await knownSymbols?.();
  request.symbols.forEach((symbol, i) => {
    if (symbols && !symbols.has(symbol)) throw new HttpError(400, `symbols[${i}]: unknown symbol ${symbol} on the exchange`, { field: `symbols[${i}]` });
  });
  return request;
}
