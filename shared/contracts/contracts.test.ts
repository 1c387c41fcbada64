// The seed's example messages parse; malformed ones are rejected with the field named.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldName } from '../http/errors.ts';
import { controlCommandSchema, controlTopicFor } from './control.ts';
import { formatDataType, parseDataType } from './data-type.ts';
import { queueEventSchema } from './events.ts';
import { marketRecordSchema } from './market.ts';
import { collectionNameFor, dataTopicFor, queueIdFor, targetOfProducer, telemetryIdFor } from './names.ts';
import { timeRangeSchema } from './time-range.ts';
import { decodeRecord, encodeRecord } from './topic.ts';
import { workflowRequestSchema } from './workflow.ts';

const seedCommand = {
  command: 'start',
  queue_id: 'wf-btcusdt-api_candles_5m-20240801-a1b2c3',
  target: 'loader-producer',
  symbol: 'BTCUSDT',
  type: 'api_candles_5m',
  time_range: '2024-08-01:2024-08-02',
  kafka_topic: 'wf-btcusdt-api_candles_5m-20240801-a1b2c3-data',
  collection_name: 'btcusdt_api_candles_5m_2024_08_01',
  telemetry_id: 'loader-producer__a1b2c3',
  image: 'registry.dmz.home/streamforge/loader-producer:v0.2.0',
  timestamp: 1722500000.123,
};

const seedEvent = {
  queue_id: 'wf-btcusdt-api_candles_5m-20240801-a1b2c3',
  producer: 'arango-connector__a1b2c3',
  symbol: 'BTCUSDT',
  type: 'api_candles_5m',
  status: 'loading',
  message: 'Saved 15000 records',
  records_written: 15000,
  finished: false,
  timestamp: 1722500125.456,
};

const firstIssueField = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => fieldName(result.error!.issues[0]!.path);

describe('queue-control command', () => {
  it('decodes the seed example once, and encodes it back unchanged', () => {
    const command = controlCommandSchema.parse(seedCommand);
    expect(command.type).toEqual({ source: 'api', kind: 'candles', interval: '5m' });
    expect(command.time_range).toEqual({ from: Date.UTC(2024, 7, 1), to: Date.UTC(2024, 7, 2) });
    expect(z.encode(controlCommandSchema, command)).toEqual(seedCommand);
  });

  it.each([
    ['command', { command: 'launch' }],
    ['symbol', { symbol: 'btc usdt' }],
    ['type', { type: 'api_candles_7m' }],
    ['time_range', { time_range: '2024-08-02:2024-08-01' }],
    ['kafka_topic', { kafka_topic: 'has spaces' }],
    ['telemetry_id', { telemetry_id: 'loader-producer' }],
    ['timestamp', { timestamp: 'now' }],
  ])('rejects a bad %s and names it', (field, change) => {
    expect(firstIssueField(controlCommandSchema.safeParse({ ...seedCommand, ...change }))).toBe(field);
  });

  it('rejects fields the seed format does not have', () => {
    const result = controlCommandSchema.safeParse({ ...seedCommand, extra: 1 });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/extra/);
  });

  it('routes each function to its own command topic', () => {
    expect(controlTopicFor('arango-connector').name).toBe('queue-control-arango-connector');
  });

  it('publishes through the topic: a valid command encodes to the seed JSON, an invalid one is refused with the field', () => {
    const topic = controlTopicFor('loader-producer');
    const command = controlCommandSchema.parse(seedCommand);
    const encoded = encodeRecord(topic, command);
    expect(encoded.ok && JSON.parse(encoded.value)).toEqual(seedCommand);
    expect(topic.key(command)).toBe(seedCommand.queue_id);
    expect(encodeRecord(topic, { ...command, symbol: 'btc usdt' })).toEqual({ ok: false, reason: 'symbol: must be an upper-case symbol such as BTCUSDT' });
    expect(decodeRecord(topic, '{"command":')).toMatchObject({ ok: false, reason: expect.stringMatching(/^malformed JSON: /) });
  });
});

describe('queue-events event', () => {
  it('parses the seed example and encodes it back unchanged', () => {
    expect(z.encode(queueEventSchema, queueEventSchema.parse(seedEvent))).toEqual(seedEvent);
  });

  it('carries a retry with the attempt that failed and when the next starts', () => {
    const retrying = { ...seedEvent, status: 'retrying', message: 'HTTP 500 from the exchange', attempt: 2, retry_at: 1722500130.5 };
    expect(queueEventSchema.parse(retrying)).toMatchObject({ status: 'retrying', attempt: 2, retry_at: 1722500130.5 });
  });

  it.each([
    ['status', { status: 'exploded' }],
    ['records_written', { records_written: -1 }],
    ['finished', { finished: 'no' }],
    ['producer', { producer: 'Arango Connector' }],
  ])('rejects a bad %s and names it', (field, change) => {
    expect(firstIssueField(queueEventSchema.safeParse({ ...seedEvent, ...change }))).toBe(field);
  });
});

describe('names follow the seed', () => {
  const from = Date.UTC(2024, 7, 1);
  it('builds queue_id, kafka_topic, collection_name and telemetry_id like the examples', () => {
    const type = parseDataType('api_candles_5m');
    const queueId = queueIdFor('BTCUSDT', type, from, 'a1b2c3');
    expect(queueId).toBe(seedCommand.queue_id);
    expect(dataTopicFor(queueId)).toBe(seedCommand.kafka_topic);
    expect(collectionNameFor('BTCUSDT', type, from)).toBe(seedCommand.collection_name);
    expect(telemetryIdFor('loader-producer', 'a1b2c3')).toBe(seedCommand.telemetry_id);
    expect(targetOfProducer(seedEvent.producer)).toBe('arango-connector');
  });
});

describe('data types', () => {
  it.each([
    ['api_candles_1M', { source: 'api', kind: 'candles', interval: '1M' }],
    ['api_trades', { source: 'api', kind: 'trades' }],
    ['ws_candles_1s', { source: 'ws', kind: 'candles', interval: '1s' }],
    ['ws_trades', { source: 'ws', kind: 'trades' }],
    ['ws_depth', { source: 'ws', kind: 'depth' }],
  ])('reads %s as a union member and writes it back', (wire, type) => {
    expect(parseDataType(wire)).toEqual(type);
    expect(formatDataType(parseDataType(wire))).toBe(wire);
  });

  it.each(['api_depth', 'api_candles_7m', 'candles_5m', 'api_trades_x'])('refuses %s', (wire) => {
    expect(workflowRequestSchema.safeParse({ symbols: ['BTCUSDT'], types: [wire], time_range: '2024-08-01:2024-08-02' }).success).toBe(false);
  });
});

describe('workflow request and time ranges', () => {
  it('reads a date range as UTC and half-open, and writes it back', () => {
    const range = timeRangeSchema.parse('2024-08-01:2024-08-02');
    expect(range).toEqual({ from: Date.UTC(2024, 7, 1), to: Date.UTC(2024, 7, 2) });
    expect(z.encode(timeRangeSchema, range)).toBe('2024-08-01:2024-08-02');
  });

  it.each([
    ['2024-08-02:2024-08-01', /must be after start/],
    ['2024-02-30:2024-03-01', /not a valid YYYY-MM-DD date/],
    ['1969-12-31:1970-01-02', /from 1970-01-01 on/],
    ['2024/08/01-2024/08/02', /<start date>:<end date>/],
  ])('refuses %s with the reason', (text, reason) => {
    const result = timeRangeSchema.safeParse(text);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(reason);
  });

  it('accepts the documented request', () => {
    const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };
    expect(z.encode(workflowRequestSchema, workflowRequestSchema.parse(request))).toEqual(request);
  });

  it.each([
    ['symbols', { symbols: ['BTCUSDT', 'ETHUSDT', 'BTCUSDT'], types: ['api_trades'] }, 'symbols.2: BTCUSDT is listed twice (also symbols[0]); list each once'],
    ['types', { symbols: ['BTCUSDT'], types: ['api_trades', 'api_trades'] }, 'types.1: api_trades is listed twice (also types[0]); list each once'],
  ])('refuses a repeated entry in %s, naming it', (_field, request, reason) => {
    const result = workflowRequestSchema.safeParse({ ...request, time_range: '2024-08-03:2024-08-04' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([reason]);
  });
});

describe('market records', () => {
  const candle = {
    kind: 'candle',
    symbol: 'BTCUSDT',
    interval: '5m',
    open_time: 1722470400000,
    close_time: 1722470699999,
    open: 64000,
    high: 64100,
    low: 63900,
    close: 64050,
    volume: 12.5,
    quote_volume: 800000,
    trades: 120,
    taker_buy_base: 6,
    taker_buy_quote: 384000,
  };
  it('parses candles, trades and the end of a stream', () => {
    expect(marketRecordSchema.parse(candle)).toEqual(candle);
    const trade = { kind: 'trade', symbol: 'BTCUSDT', agg_id: 7, price: 64000.1, qty: 0.01, first_id: 10, last_id: 11, time: 1722470400001, buyer_maker: true };
    expect(marketRecordSchema.parse(trade)).toEqual(trade);
    expect(marketRecordSchema.parse({ kind: 'end', symbol: 'BTCUSDT', records: 288, gaps: [] })).toMatchObject({ records: 288 });
  });

  it('rejects a candle whose high does not bound its prices, naming high', () => {
    expect(firstIssueField(marketRecordSchema.safeParse({ ...candle, high: 63000 }))).toBe('high');
  });

  it('rejects an unknown record kind and a negative volume', () => {
    expect(firstIssueField(marketRecordSchema.safeParse({ ...candle, kind: 'quote' }))).toBe('kind');
    expect(firstIssueField(marketRecordSchema.safeParse({ ...candle, volume: -1 }))).toBe('volume');
  });
});
