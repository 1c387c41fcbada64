// The orchestrator's routes as OpenAPI definitions: the zod schemas that validate each request are the
// ones the document at /openapi.json is generated from, and responses are declared with them too.
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { stepSchema, workflowRequestSchema, workflowSchema } from '../../shared/contracts/workflow.ts';
import { storedCandleSchema, storedTradeSchema } from '../../shared/contracts/stored.ts';
import { timelineEntrySchema } from '../../shared/contracts/timeline.ts';
import { KLINE_INTERVALS } from '../../shared/binance/intervals.ts';
import { candlesQuerySchema, listQuerySchema, timelineQuerySchema, tradesQuerySchema } from './queries.ts';

const errorSchema = z.object({ error: z.string(), field: z.string().optional().describe('the request field at fault, e.g. symbols[1]') }).meta({ id: 'Error' });

const lagSchema = z.object({ partition: z.number().int(), end_offset: z.number().int(), committed_offset: z.number().int(), lag: z.number().int() });
const stepViewSchema = stepSchema
  .extend({
    lag: z.number().int().nonnegative().optional().describe("records of the step's topic its consumer group has not committed yet"),
    lag_partitions: z.array(lagSchema).optional(),
  })
  .meta({ id: 'Step' });
export const workflowViewSchema = workflowSchema.extend({ steps: z.array(stepViewSchema) }).meta({ id: 'Workflow' });
const workflowRequestBody = workflowRequestSchema.meta({
  id: 'WorkflowRequest',
  example: { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' },
});

const page = {
  next: z.string().nullable().describe('the next page, or null when this one reaches the end of the range'),
  partial: z.boolean().describe('more records exist beyond this page'),
};
export const candlePageSchema = z
  .object({
    symbol: z.string(),
    interval: z.enum(KLINE_INTERVALS),
    from: z.number().int(),
    to: z.number().int(),
    count: z.number().int(),
    candles: z.array(storedCandleSchema),
    ...page,
  })
  .meta({ id: 'CandlePage' });
export const tradePageSchema = z
  .object({ symbol: z.string(), from: z.number().int(), to: z.number().int(), count: z.number().int(), trades: z.array(storedTradeSchema), ...page })
  .meta({ id: 'TradePage' });

export const timelinePageSchema = z
  .object({
    workflow_id: z.string(),
    count: z.number().int(),
    entries: z.array(timelineEntrySchema.meta({ id: 'TimelineEntry' })),
    cursor: z.number().int().nonnegative().describe("the last entry's seq (?after= when the page is empty): pass it as ?after= to read on, now or once more has happened"),
    ...page,
  })
  .meta({ id: 'TimelinePage' });

const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });
const idParams = z.object({ id: z.string().meta({ param: { name: 'id', in: 'path' }, example: 'wf-20240801-a1b2c3' }) });
const invalid = json(errorSchema, 'a field is invalid; `field` names it');
const notFound = json(errorSchema, 'no such workflow');

export const createWorkflowRoute = createRoute({
  method: 'post',
  path: '/workflows',
  summary: 'Start a workflow',
  request: { body: { required: true, content: { 'application/json': { schema: workflowRequestBody } } } },
  responses: {
    202: json(z.object({ id: z.string(), status: z.enum(['pending', 'running']) }).meta({ id: 'Accepted' }), 'accepted; follow it at /workflows/{id} or /ws?workflow={id}'),
    400: invalid,
    413: json(errorSchema, 'body too large'),
    415: json(errorSchema, 'the body is not application/json'),
  },
});

export const listSchema = z.object({ workflows: z.array(workflowSchema.meta({ id: 'WorkflowSummary' })) });

export const listWorkflowsRoute = createRoute({
  method: 'get',
  path: '/workflows',
  summary: 'List workflows, newest first',
  request: { query: listQuerySchema },
  responses: { 200: json(listSchema, 'workflows'), 400: invalid },
});

export const getWorkflowRoute = createRoute({
  method: 'get',
  path: '/workflows/{id}',
  summary: 'One workflow with its steps, their retries and consumer lag',
  request: { params: idParams },
  responses: { 200: json(workflowViewSchema, 'the workflow'), 404: notFound },
});

export const workflowEventsRoute = createRoute({
  method: 'get',
  path: '/workflows/{id}/events',
  summary: "A workflow's timeline, in order: every report of its functions and every decision of the orchestrator",
  description:
    'Reports (started, loading, retrying, interrupted, finished, error, cancelled) as the functions sent them on queue-events, each kept once however often it was delivered; ' +
    'decisions no function reports (dispatched, placed, timed_out, pod_failed, stop_sent, workflow_created, workflow_resumed, workflow_succeeded, workflow_failed, workflow_cancelled). ' +
    'Each entry names its step (queue_id, target) and the records the step had written by then.',
  request: { params: idParams, query: timelineQuerySchema },
  responses: { 200: json(timelinePageSchema, 'a page of the timeline'), 400: invalid, 404: notFound },
});

export const cancelWorkflowRoute = createRoute({
  method: 'post',
  path: '/workflows/{id}/cancel',
  summary: 'Cancel a workflow: running steps are stopped',
  request: { params: idParams },
  responses: { 200: json(workflowSchema.meta({ id: 'WorkflowSummary' }), 'cancelled'), 404: notFound, 409: json(errorSchema, 'already ended') },
});

export const candlesRoute = createRoute({
  method: 'get',
  path: '/candles',
  summary: 'Stored candles with indicators (rsi_14, vwap, volatility_30), a page at a time in open-time order',
  request: { query: candlesQuerySchema },
  responses: { 200: json(candlePageSchema, 'a page of candles'), 400: invalid },
});

export const tradesRoute = createRoute({
  method: 'get',
  path: '/trades',
  summary: 'Stored aggregated trades, a page at a time in (time, agg_id) order',
  request: { query: tradesQuerySchema },
  responses: { 200: json(tradePageSchema, 'a page of trades'), 400: invalid },
});

export const socketRoute = createRoute({
  method: 'get',
  path: '/ws',
  summary: 'WebSocket of workflow changes: ?workflow=<id> sends a snapshot, then only what changed',
  description:
    'Messages: {"type":"snapshot","workflow":Workflow} when following one workflow (and for each new workflow otherwise); ' +
    '{"type":"change","workflow_id","status","reason","steps":[changed Step…],"event"?:QueueEvent} after every update. An unknown workflow is refused with 404.',
  request: {
    query: z.object({
      workflow: z
        .string()
        .optional()
        .meta({ param: { name: 'workflow', in: 'query' } }),
    }),
  },
  responses: { 101: { description: 'switching protocols' }, 404: notFound, 426: json(errorSchema, 'not a WebSocket request') },
});

export const cloudEventsRoute = createRoute({
  method: 'post',
  path: '/events',
  summary: 'queue-events as CloudEvents (binary or structured mode), the sink of a Knative KafkaSource',
  description:
    'Answers 2xx only once the event is applied; the same event (ce-source + ce-id) is applied once however often it arrives; 400 for one that can never be handled; 5xx to have it delivered again.',
  responses: {
    200: json(z.object({ outcome: z.enum(['applied', 'duplicate']) }).meta({ id: 'EventReceipt' }), 'applied now, or already applied before'),
    400: json(errorSchema, 'not a CloudEvent carrying a queue event; `field` names what is wrong'),
    500: json(errorSchema, 'could not be applied now: deliver it again'),
  },
});
