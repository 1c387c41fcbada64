// `streamforge sim`: the Binance-compatible exchange simulator alone.
import { z } from 'zod';
import { numberOption, parseOptions } from './args.ts';
import { untilSignal } from './signals.ts';

const schema = z.object({
  port: numberOption('a port number from 0 to 65535', { min: 0, max: 65535, integer: true }),
  seed: numberOption('a whole number', { min: 0, integer: true }),
});

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseOptions(argv, { port: { type: 'string' }, seed: { type: 'string' } }, schema);
  const { startExchangeSim } = await import('../../functions/exchange-sim/serve.ts');
  const running = await startExchangeSim({ port: values.port ?? 8081, seed: values.seed ?? 42 });
  console.log(`exchange simulator listening at ${running.url} (seed ${running.sim.config.seed}); try ${running.url}/api/v3/klines?symbol=BTCUSDT&interval=5m&limit=3`);
  await untilSignal();
  await running.close();
  return 0;
}
