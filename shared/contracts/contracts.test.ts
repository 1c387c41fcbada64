// The seed's example messages parse; malformed ones are rejected with the field named.
import { describe, expect, it } from 'vitest';
import { fieldName } from '../http/http-error.ts';
import { controlCommandSchema, controlTopicFor } from './control.ts';
import { queueEventSchema } from './events.ts';
import { marketRecordSchema } from './market.ts';
import { collectionNameFor, dataTopicFor, queueIdFor, targetOfProducer, telemetryIdFor } from './naming.ts';
import { parseTimeRange, workflowRequestSchema } from './workflow.ts';

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
  it('parses the seed example unchanged', () => {
    expect(controlCommandSchema.parse(seedCommand)).toEqual(seedCommand);
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
    expect(controlTopicFor('arango-connector')).toBe('queue-control-arango-connector');
  });
});

describe('queue-events event', () => {
  it('parses the seed example unchanged', () => {
    expect(queueEventSchema.parse(seedEvent)).toEqual(seedEvent);
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
    const queueId = queueIdFor('BTCUSDT', 'api_candles_5m', from, 'a1b2c3');
    expect(queueId).toBe(seedCommand.queue_id);
    expect(dataTopicFor(queueId)).toBe(seedCommand.kafka_topic);
    expect(collectionNameFor('BTCUSDT', 'api_candles_5m', from)).toBe(seedCommand.collection_name);
    expect(telemetryIdFor('loader-producer', 'a1b2c3')).toBe(seedCommand.telemetry_id);
    expect(targetOfProducer(seedEvent.producer)).toBe('arango-connector');
  });
});

describe('workflow request and time ranges', () => {
  it('reads a date range as UTC and half-open', () => {
    expect(parseTimeRange('2024-08-01:2024-08-02')).toEqual({ from: Date.UTC(2024, 7, 1), to: Date.UTC(2024, 7, 2) });
  });

  it('accepts the documented request', () => {
    const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };
    expect(workflowRequestSchema.parse(request)).toEqual(request);
  });
});

describe('market records', () => {
  const candle = {
    kind: 'candle', symbol: 'BTCUSDT', interval: '5m', open_time: 1722470400000, close_time: 1722470699999,
    open: 64000, high: 64100, low: 63900, close: 64050, volume: 12.5, quote_volume: 800000, trades: 120, taker_buy_base: 6, taker_buy_quote: 384000,
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
