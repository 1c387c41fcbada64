// `streamforge sim`: the Binance-compatible exchange simulator alone, REST and WebSocket on one port.
import { z } from 'zod';
import { numberOption, parseOptions } from './args.ts';
import { untilSignal } from './signals.ts';

const schema = z.object({
  port: numberOption('a port number from 0 to 65535', { min: 0, max: 65535, integer: true }),
  seed: numberOption('a whole number', { min: 0, integer: true }),
  speed: numberOption('a clock speed above 0 and at most 100000', { min: Number.MIN_VALUE, max: 100_000 }),
  'market-path': z.enum(['swings', 'random-walk', 'cycles'], { error: (issue) => `must be swings, random-walk or cycles, not "${issue.input}"` }).optional(),
});

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseOptions(argv, { port: { type: 'string' }, seed: { type: 'string' }, speed: { type: 'string' }, 'market-path': { type: 'string' } }, schema);
  const { startExchangeSim } = await import('../../functions/exchange-sim/serve.ts');
  const running = await startExchangeSim({ port: values.port ?? 8081, seed: values.seed ?? 42, speed: values.speed ?? 1, market: { path: values['market-path'] ?? 'swings' } });
  const { seed, speed, market } = running.sim.config;
  console.log(
    `exchange simulator listening at ${running.url} (seed ${seed}, clock speed ${speed}, ${market.path} market); try ${running.url}/api/v3/klines?symbol=BTCUSDT&interval=5m&limit=3`,
  );
  console.log(`WebSocket streams at ${running.wsUrl}/ws/<stream> and ${running.wsUrl}/stream?streams=<stream>/<stream>; try ${running.wsUrl}/ws/btcusdt@aggTrade`);
  await untilSignal();
  await running.close();
  return 0;
}
