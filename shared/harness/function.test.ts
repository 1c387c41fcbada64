// The function harness through its ports: addressing, progress, dead letters, stop, retries and draining.
import { describe, expect, it } from 'vitest';
import { take } from '../../test/contracts/bus.contract.ts';
import { commandFor, embeddedPorts } from '../../test/step-context.ts';
import { controlTopicFor, type ControlCommand } from '../contracts/control.ts';
import { EVENTS_TOPIC, type QueueEvent } from '../contracts/events.ts';
import { NonRetriableError, RetriableError } from '../errors.ts';
import type { Ports } from './function.ts';
import { commandGroupFor, startFunction, type FunctionDefinition, type StepContext } from './function.ts';
import { DEAD_LETTER_TOPIC } from './dead-letter.ts';

const TARGET = 'test-fn';
const command = (overrides: Partial<ControlCommand> = {}): ControlCommand => ({ ...commandFor(TARGET, 'BTCUSDT', 'api_trades', '2024-08-01:2024-08-02'), ...overrides });

function definition(run: (ctx: StepContext) => Promise<{ records_written: number; message: string }>): FunctionDefinition {
  return { name: 'test', target: TARGET, group: 'test-group', run };
}

async function send(ports: Ports, ...commands: (ControlCommand | string)[]) {
  await ports.bus.publish(controlTopicFor(TARGET), commands.map((c) => ({ key: 'k', value: typeof c === 'string' ? c : JSON.stringify(c) })));
}

async function events(ports: Ports, count: number): Promise<QueueEvent[]> {
  const sub = ports.bus.subscribe({ group: `events-${Math.random()}`, topics: [EVENTS_TOPIC] });
  const records = await take(sub, count, { timeoutMs: 5000 });
  await sub.close();
  return records.map((r) => JSON.parse(r.value) as QueueEvent);
}

const until = async (check: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('function harness', () => {
  it('runs the commands addressed to it and reports started, progress and finished in the seed format', async () => {
    const ports = embeddedPorts();
    const fn = startFunction(definition(async (ctx) => {
      await ctx.report({ message: 'Saved 5 records', records_written: 5 });
      return { records_written: 10, message: 'Saved 10 records' };
    }), ports);
    const cmd = command();
    await send(ports, cmd);
    const got = await events(ports, 3);
    await fn.stop();
    expect(got.map((e) => [e.status, e.records_written, e.finished])).toEqual([
      ['started', 0, false],
      ['loading', 5, false],
      ['finished', 10, true],
    ]);
    expect(got[2]).toMatchObject({ queue_id: cmd.queue_id, producer: cmd.telemetry_id, symbol: 'BTCUSDT', type: 'api_trades', message: 'Saved 10 records' });
    expect((await ports.bus.lag(commandGroupFor(TARGET), controlTopicFor(TARGET))).reduce((s, l) => s + l.lag, 0)).toBe(0);
  });

  it('dead-letters a malformed command with the reason and goes on with the next', async () => {
    const ports = embeddedPorts();
    let runs = 0;
    const fn = startFunction(definition(async () => ({ records_written: ++runs, message: 'ok' })), ports);
    await send(ports, '{"command":"start"', { ...command(), symbol: 'not a symbol' } as ControlCommand, command());
    const got = await events(ports, 2);
    const sub = ports.bus.subscribe({ group: 'dlq', topics: [DEAD_LETTER_TOPIC] });
    const dead = await take(sub, 2);
    await sub.close();
    await fn.stop();
    expect(got.map((e) => e.status)).toEqual(['started', 'finished']);
    expect(runs).toBe(1);
    expect(dead.map((r) => r.headers['x-dead-letter-reason'])).toEqual([expect.stringMatching(/^malformed command: .*JSON/), expect.stringMatching(/^malformed command: .*symbol/)]);
  });

  it('aborts a running step on a stop command and reports it cancelled', async () => {
    const ports = embeddedPorts();
    const fn = startFunction(definition((ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)))), ports);
    const cmd = command();
    await send(ports, cmd);
    await events(ports, 1);
    await send(ports, { ...cmd, command: 'stop' });
    const got = await events(ports, 2);
    await fn.stop();
    expect(got[1]).toMatchObject({ status: 'cancelled', finished: true });
  });

  it('retries a retriable failure, and fails at once on a non-retriable one', async () => {
    const ports = embeddedPorts();
    let attempts = 0;
    const flaky = startFunction(definition(async (ctx) => {
      attempts++;
      if (ctx.command.symbol === 'ETHUSDT') throw new NonRetriableError('unknown interval');
      if (attempts < 3) throw new RetriableError('broker away', { retryAfterMs: 10 });
      return { records_written: 1, message: 'ok after retries' };
    }), ports);
    await send(ports, command());
    const first = await events(ports, 2);
    expect(first[1]).toMatchObject({ status: 'finished', message: 'ok after retries' });
    expect(attempts).toBe(3);
    attempts = 0;
    await send(ports, command({ symbol: 'ETHUSDT', queue_id: 'wf-ethusdt-api_trades-20240801-abc123' }));
    const second = await events(ports, 4);
    await flaky.stop();
    expect(second[3]).toMatchObject({ status: 'error', message: 'unknown interval', finished: true });
    expect(attempts).toBe(1);
  });

  it('drains on shutdown: the interrupted step is not committed, and the next instance runs it to the end', async () => {
    const ports = embeddedPorts();
    let firstStarted = false;
    const first = startFunction(definition((ctx) => {
      firstStarted = true;
      return new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
    }), ports);
    await send(ports, command());
    await until(() => firstStarted);
    await first.stop();
    const afterStop = await events(ports, 2);
    expect(afterStop.map((e) => [e.status, e.finished])).toEqual([['started', false], ['interrupted', false]]);
    expect((await ports.bus.lag(commandGroupFor(TARGET), controlTopicFor(TARGET))).reduce((s, l) => s + l.lag, 0)).toBe(1);
    const second = startFunction(definition(async () => ({ records_written: 7, message: 'resumed' })), ports);
    const all = await events(ports, 4);
    await second.stop();
    expect(all[3]).toMatchObject({ status: 'finished', records_written: 7 });
    expect((await ports.bus.lag(commandGroupFor(TARGET), controlTopicFor(TARGET))).reduce((s, l) => s + l.lag, 0)).toBe(0);
  });
});
