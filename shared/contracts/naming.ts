// Names derived from a workflow step, following the seed's examples exactly.
import { randomBytes } from 'node:crypto';

function compactDate(from: number): string {
  return new Date(from).toISOString().slice(0, 10).replaceAll('-', '');
}

export function newSuffix(): string {
  return randomBytes(3).toString('hex');
}

/** wf-btcusdt-api_candles_5m-20240801-a1b2c3 */
export function queueIdFor(symbol: string, type: string, from: number, suffix: string): string {
  return `wf-${symbol.toLowerCase()}-${type}-${compactDate(from)}-${suffix}`;
}

/** wf-btcusdt-api_candles_5m-20240801-a1b2c3-data */
export function dataTopicFor(queueId: string): string {
  return `${queueId}-data`;
}

/** btcusdt_api_candles_5m_2024_08_01 */
export function collectionNameFor(symbol: string, type: string, from: number): string {
  return `${symbol.toLowerCase()}_${type}_${new Date(from).toISOString().slice(0, 10).replaceAll('-', '_')}`;
}

/** loader-producer__a1b2c3 */
export function telemetryIdFor(target: string, suffix: string): string {
  return `${target}__${suffix}`;
}

/** The function name a telemetry id or producer belongs to: arango-connector__a1b2c3 -> arango-connector. */
export function targetOfProducer(producer: string): string {
  return producer.split('__')[0] ?? producer;
}

/** Consumer group of the persister's data subscriptions (the seed's arango-connector-group). */
export const PERSISTER_GROUP = 'arango-connector-group';
