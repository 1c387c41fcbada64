// OpenAPI 3.1 description of the orchestrator, with request schemas generated from the zod contracts.
import { z } from 'zod';
import { queueEventSchema } from '../../shared/contracts/events.ts';
import { workflowRequestSchema } from '../../shared/contracts/workflow.ts';

const json = (schema: object, description: string) => ({ description, content: { 'application/json': { schema } } });
const error = { type: 'object', properties: { error: { type: 'string' }, field: { type: 'string' } }, required: ['error'] };
const param = (name: string, description: string, required = true, schema: object = { type: 'string' }) => ({ name, in: 'query', required, description, schema });
const timeParam = (name: string) => param(name, 'epoch milliseconds or ISO-8601; the range is half-open [from, to)');
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const step = {
  type: 'object',
  properties: Object.fromEntries(
    ['id', 'queue_id', 'target', 'symbol', 'type', 'kafka_topic', 'collection_name', 'telemetry_id', 'status', 'message'].map((k) => [k, { type: 'string' }]),
  ),
};
const workflow = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    status: { enum: ['pending', 'running', 'succeeded', 'failed', 'cancelled'] },
    reason: { type: ['string', 'null'] },
    request: z.toJSONSchema(workflowRequestSchema, { io: 'input' }),
    steps: { type: 'array', items: { ...step, properties: { ...step.properties, records_written: { type: 'integer' } } } },
  },
};

export function openApiDocument() {
  return {
    openapi: '3.1.0',
    info: { title: 'StreamForge orchestrator', version: '0.1.0', description: 'Start, follow and cancel workflows; read stored market data.' },
    paths: {
      '/workflows': {
        post: {
          summary: 'Start a workflow',
          requestBody: { required: true, ...json(z.toJSONSchema(workflowRequestSchema, { io: 'input' }), 'symbols, types and a UTC half-open time range') },
          responses: { 202: json({ type: 'object', properties: { id: { type: 'string' }, status: { type: 'string' } } }, 'accepted'), 400: json(error, 'invalid field'), 413: json(error, 'body too large') },
        },
        get: {
          summary: 'List workflows, newest first',
          parameters: [param('status', 'filter by status', false), param('limit', 'at most this many (default 100)', false, { type: 'integer' })],
          responses: { 200: json({ type: 'object', properties: { workflows: { type: 'array', items: workflow } } }, 'workflows') },
        },
      },
      '/workflows/{id}': { get: { summary: 'One workflow with its steps', parameters: [idParam], responses: { 200: json(workflow, 'the workflow'), 404: json(error, 'unknown id') } } },
      '/workflows/{id}/cancel': {
        post: { summary: 'Cancel a workflow', parameters: [idParam], responses: { 200: json(workflow, 'cancelled'), 404: json(error, 'unknown id'), 409: json(error, 'already ended') } },
      },
      '/candles': {
        get: {
          summary: 'Stored candles with indicators (rsi_14, vwap, volatility_30)',
          parameters: [param('symbol', 'e.g. BTCUSDT'), param('interval', 'kline interval, e.g. 5m'), timeParam('from'), timeParam('to'), param('limit', 'default 1000, max 10000', false, { type: 'integer' })],
          responses: { 200: json({ type: 'object' }, 'candles in open-time order'), 400: json(error, 'invalid parameter') },
        },
      },
      '/trades': {
        get: {
          summary: 'Stored aggregated trades',
          parameters: [param('symbol', 'e.g. BTCUSDT'), timeParam('from'), timeParam('to'), param('limit', 'default 1000, max 10000', false, { type: 'integer' })],
          responses: { 200: json({ type: 'object' }, 'trades in time order'), 400: json(error, 'invalid parameter') },
        },
      },
      '/ws': {
        get: {
          summary: 'WebSocket: every workflow status change and progress event; ?workflow=<id> filters',
          parameters: [param('workflow', 'only this workflow', false)],
          responses: { 101: { description: 'switching protocols; messages are {workflow, event?}' }, 426: json(error, 'not a WebSocket request') },
        },
      },
      '/livez': { get: { summary: 'Liveness', responses: { 200: { description: 'alive' } } } },
      '/readyz': { get: { summary: 'Readiness of bus and store', responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text exposition format' } } } },
    },
    components: { schemas: { QueueEvent: z.toJSONSchema(queueEventSchema), Workflow: workflow } },
  };
}
