// `streamforge dummy check | load`: prove the configured bus works; generate synthetic load.
import { z } from 'zod';
import { loadConfig } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import { numberOption, parseOptions } from './args.ts';
import { UsageError } from './usage.ts';

const schema = z.object({
  topic: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,249}$/, 'must be a valid topic name')
    .optional(),
  rate: numberOption('records per second, 0 or more (0: as fast as the bus takes them)', { min: 0 }),
  size: numberOption('a record size in bytes from 1 to 1048576', { min: 1, max: 1_048_576, integer: true }),
  duration: numberOption('seconds, more than 0', { min: 0.001 }),
});

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { topic: { type: 'string' }, rate: { type: 'string' }, size: { type: 'string' }, duration: { type: 'string' } }, schema);
  const action = positionals[0];
  if (action !== 'check' && action !== 'load') throw new UsageError(`dummy takes check or load, not ${action ? `"${action}"` : 'nothing'}`);
  const config = loadConfig();
  const { createBus } = await import('../ports.ts');
  const { checkBus, generateLoad } = await import('../../functions/dummy/index.ts');
  const bus = await createBus(config.bus, createLogger('dummy', config.logLevel));
  try {
    if (action === 'check') {
      const result = await checkBus(bus);
      console.log(result.message);
      return result.ok ? 0 : 1;
    }
    const result = await generateLoad(bus, {
      topic: values.topic ?? 'dummy-load',
      ratePerSecond: values.rate ?? 1000,
      recordBytes: values.size ?? 200,
      durationMs: (values.duration ?? 10) * 1000,
    });
    console.log(
      `${result.records} records (${(result.bytes / 1_048_576).toFixed(1)} MB) in ${result.seconds.toFixed(1)} s: ${result.recordsPerSecond.toFixed(0)} records/s, ${result.mbPerSecond.toFixed(2)} MB/s`,
    );
    return 0;
  } finally {
    await bus.close();
  }
}
