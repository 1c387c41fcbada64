// A log line carries each key once: the process names itself `service`, the harness adds `fn`.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { commandFor, embeddedPorts } from '../test/step-context.ts';
import { until } from '../test/helpers.ts';
import { controlTopicFor } from './contracts/control.ts';
import { RetriableError } from './errors.ts';
import { startFunction } from './harness/function.ts';
import { publish } from './harness/publish.ts';
import { createLogger } from './logger.ts';

describe('logs', () => {
  it('write each key once per line, with the process and the function both named', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => done(void lines.push(...String(chunk).split('\n').filter(Boolean))) });
    const logger = createLogger('platform', 'info', sink);
    const ports = { ...embeddedPorts(), logger };
    let attempts = 0;
    const fn = startFunction(
      {
        name: 'loader',
        target: 'loader-producer',
        run: async () => {
          if (++attempts === 1) throw new RetriableError('exchange away');
          return { records_written: 0, message: 'ok' };
        },
      },
      ports,
      { retry: { retries: 2, minDelayMs: 1, maxDelayMs: 1 } },
    );
    await publish(ports.bus, controlTopicFor('loader-producer'), [commandFor('loader-producer', 'BTCUSDT', 'api_trades', '2024-08-01:2024-08-02')]);
    await until('the retry to be logged', () => lines.some((line) => line.includes('retrying')));
    await fn.stop();
    const retry = lines.find((line) => line.includes('retrying'))!;
    for (const line of lines) {
      const keys = [...line.matchAll(/"([a-z_]+)":/g)].map((m) => m[1]);
      expect(keys.length, line).toBe(new Set(keys).size);
    }
    expect(JSON.parse(retry)).toMatchObject({ service: 'platform', fn: 'loader', queue_id: 'wf-btcusdt-api_trades-20240801-abc123', attempt: 1, error: 'exchange away' });
  });
});
