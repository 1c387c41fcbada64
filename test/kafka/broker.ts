// Brokers for the Kafka suite: the ones the global setup started, or KAFKA_BROKERS when given.
export function kafkaBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: run the Kafka suite through `npm test` (it starts a broker) or point it at one');
  return brokers.split(',');
}
