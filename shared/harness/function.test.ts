// The function harness through its ports: addressing, progress, heartbeats, retries, dead letters, stop,
// out-of-order commits and draining.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { take } from '../../test/contracts/bus.contract.ts';
import { until } from '../../test/helpers.ts';
import { commandFor, embeddedPorts } from '../../test/step-context.ts';
import { type ControlCommand, WORKFLOW_ID_HEADER, controlTopicFor } from '../contracts/control.ts';
import { type QueueEvent, eventsTopic } from '../contracts/events.ts';
import { commandGroupFor } from '../contracts/names.ts';
import { decodeRecord, encodeRecord } from '../contracts/topic.ts';
import { NonRetriableError, RetriableError } from '../errors.ts';
import { DEAD_LETTER_TOPIC } from './dead-letter.ts';
import { type FunctionDefinition, type HarnessOptions, type Ports, type StepContext, startFunction } from './function.ts';
import { publish } from './publish.ts';

const TARGET = 'test-fn';
const topic = controlTopicFor(TARGET);
const command = (overrides: Partial<ControlCommand> = {}): ControlCommand => ({ ...commandFor(TARGET, 'BTCUSDT', 'api_trades', '2024-08-01:2024-08-02'), ...overrides });
const quick: HarnessOptions = { retry: { retries: 3, minDelayMs: 10, maxDelayMs: 20 } };

function definition(run: (ctx: StepContext) => Promise<{ records_written: number; message: string }>): FunctionDefinition {
  return { name: 'test', target: TARGET, run };
}

async function send(ports: Ports, ...commands: (ControlCommand | string)[]) {
  for (const c of commands) {
    if (typeof c === 'string') await ports.bus.publish(topic.name, [{ key: 'k', value: c }]);
    else await publish(ports.bus, topic, [c]);
  }
}

/** The next `count` events on queue-events, read by a throwaway group from the beginning. */
async function events(ports: Ports, count: number): Promise<QueueEvent[]> {
  const sub = ports.bus.subscribe({ group: `events-${Math.random()}`, topics: [eventsTopic.name] });
  const records = await take(sub, count, { timeoutMs: 5000 });
  await sub.close();
  return records.slice(0, count).map((r) => {
    const parsed = decodeRecord(eventsTopic, r.value);
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.value;
  });
}

const commandLag = async (ports: Ports) => (await ports.bus.lag(commandGroupFor(TARGET), topic.name)).reduce((s, l) => s + l.lag, 0);
const hang = (ctx: StepContext) => new Promise<never>((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));

describe('function harness', () => {
  it('names the workflow, queue, step and function on every line a step logs, the workflow taken from its command header', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const text of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(text));
        done();
      },
    });
    const ports = { ...embeddedPorts(), logger: pino({ level: 'debug' }, sink) };
    const fn = startFunction(
      definition(async (ctx) => {
        ctx.logger.info('working');
        throw new NonRetriableError('bad input');
      }),
      ports,
      quick,
    );
    const cmd = command();
    await publish(ports.bus, topic, [cmd], { [WORKFLOW_ID_HEADER]: 'wf-20240801-abc123' });
    await events(ports, 2);
    await until('the step failure logged', () => lines.some((l) => l.msg === 'step failed'));
    await fn.stop();
    const stepLines = lines.filter((l) => l.msg === 'working' || l.msg === 'step failed');
    expect(stepLines).toHaveLength(2);
    for (const line of stepLines) expect(line).toMatchObject({ fn: 'test', workflow_id: 'wf-20240801-abc123', queue_id: cmd.queue_id, step: TARGET });
  });

  it('runs the commands addressed to it and reports started, progress and finished in the seed format', async () => {
    const ports = embeddedPorts();
    const fn = startFunction(
      definition(async (ctx) => {
        await ctx.report({ message: 'Saved 5 records', records_written: 5 });
        return { records_written: 10, message: 'Saved 10 records' };
      }),
      ports,
      quick,
    );
    const cmd = command();
    await send(ports, cmd);
    const got = await events(ports, 3);
    await fn.stop();
    expect(got.map((e) => [e.status, e.records_written, e.finished])).toEqual([
      ['started', 0, false],
      ['loading', 5, false],
      ['finished', 10, true],
    ]);
    expect(got[2]).toMatchObject({ queue_id: cmd.queue_id, producer: cmd.telemetry_id, symbol: 'BTCUSDT', type: { kind: 'trades' }, message: 'Saved 10 records' });
    expect(await commandLag(ports)).toBe(0);
  });

  it('repeats its latest report as a heartbeat while a step works in silence', async () => {
    const ports = embeddedPorts();
    let release!: () => void;
    const fn = startFunction(
      definition(async (ctx) => {
        await ctx.report({ message: 'Loaded 7 records', records_written: 7 });
        await new Promise<void>((resolve) => (release = resolve));
        return { records_written: 7, message: 'done' };
      }),
      ports,
      { ...quick, heartbeatMs: 100 },
    );
    await send(ports, command());
    const got = await events(ports, 5);
    release();
    await fn.stop();
    expect(got.map((e) => [e.status, e.records_written, e.message])).toEqual([
      ['started', 0, expect.stringContaining('started')],
      ['loading', 7, 'Loaded 7 records'],
      ['loading', 7, 'Loaded 7 records'],
      ['loading', 7, 'Loaded 7 records'],
      ['loading', 7, 'Loaded 7 records'],
    ]);
    const gaps = got.slice(2).map((e, i) => e.timestamp - got[i + 1]!.timestamp);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(0.08);
  });

  it('dead-letters malformed commands with the reason, goes on, and commits them even at the end of a batch', async () => {
    const ports = embeddedPorts();
    let runs = 0;
    const fn = startFunction(
      definition(async () => ({ records_written: ++runs, message: 'ok' })),
      ports,
      quick,
    );
    await send(ports, '{"command":"start"', command(), JSON.stringify({ ...JSON.parse('{}'), command: 'start', symbol: 'not a symbol' }));
    const got = await events(ports, 2);
    const sub = ports.bus.subscribe({ group: 'dlq', topics: [DEAD_LETTER_TOPIC] });
    const dead = await take(sub, 2);
    await sub.close();
    await until('the commands to be committed', async () => (await commandLag(ports)) === 0);
    await fn.stop();
    expect(got.map((e) => e.status)).toEqual(['started', 'finished']);
    expect(runs).toBe(1);
    expect(dead.map((r) => r.headers['x-dead-letter-reason'])).toEqual([expect.stringMatching(/^malformed JSON/), expect.stringMatching(/symbol/)]);
    expect(dead.map((r) => r.headers['x-source-topic'])).toEqual([topic.name, topic.name]);
  });

  it('aborts a running step on a stop command and reports it cancelled', async () => {
    const ports = embeddedPorts();
    const fn = startFunction(definition(hang), ports, quick);
    const cmd = command();
    await send(ports, cmd);
    await events(ports, 1);
    await send(ports, { ...cmd, command: 'stop' });
    const got = await events(ports, 2);
    await fn.stop();
    expect(got[1]).toMatchObject({ status: 'cancelled', finished: true });
  });

  it('retries a retriable failure, reporting each retry with the attempt, the error and when the next starts', async () => {
    const ports = embeddedPorts();
    let attempts = 0;
    const retried: number[] = [];
    ports.instrumentation.on('step.retry', (e) => retried.push(e.attempt));
    const flaky = startFunction(
      definition(async () => {
        attempts++;
        if (attempts < 3) throw new RetriableError('HTTP 500 from the exchange', { retryAfterMs: 50 });
        return { records_written: 1, message: 'ok after retries' };
      }),
      ports,
      quick,
    );
    const before = Date.now() / 1000;
    await send(ports, command());
    const got = await events(ports, 4);
    await flaky.stop();
    expect(got.map((e) => [e.status, e.attempt, e.message])).toEqual([
      ['started', undefined, expect.any(String)],
      ['retrying', 1, 'HTTP 500 from the exchange'],
      ['retrying', 2, 'HTTP 500 from the exchange'],
      ['finished', undefined, 'ok after retries'],
    ]);
    expect(got[1]!.retry_at! - got[1]!.timestamp).toBeCloseTo(0.05, 1);
    expect(got[1]!.retry_at!).toBeGreaterThan(before);
    expect(attempts).toBe(3);
    expect(retried).toEqual([1, 2]);
  });

  it.each([
    ['a non-retriable error', new NonRetriableError('unknown interval'), 'unknown interval'],
    ['a TypeError (a bug)', new TypeError("Cannot read properties of undefined (reading 'a')"), "Cannot read properties of undefined (reading 'a')"],
    ['a RangeError (a bug)', new RangeError('Invalid array length'), 'Invalid array length'],
  ])('fails at once on %s, without retrying', async (_name, error, message) => {
    const ports = embeddedPorts();
    let attempts = 0;
    const fn = startFunction(
      definition(async () => {
        attempts++;
        throw error;
      }),
      ports,
      quick,
    );
    await send(ports, command());
    const got = await events(ports, 2);
    await fn.stop();
    expect(got[1]).toMatchObject({ status: 'error', message, finished: true });
    expect(attempts).toBe(1);
  });

  it('gives each attempt the same memo, so a retry resumes where the last attempt stopped', async () => {
    const ports = embeddedPorts();
    const pages: number[] = [];
    const fn = startFunction(
      definition(async (ctx) => {
        const cursor = ctx.memo(() => ({ page: 0 }));
        for (; cursor.page < 5; cursor.page++) {
          if (cursor.page === 2 && !pages.includes(-2)) {
            pages.push(-2);
            throw new RetriableError('page 2 failed once');
          }
          pages.push(cursor.page);
        }
        return { records_written: 5, message: 'ok' };
      }),
      ports,
      quick,
    );
    await send(ports, command());
    await events(ports, 3);
    await fn.stop();
    expect(pages).toEqual([0, 1, -2, 2, 3, 4]);
  });

  it('commits steps that end out of order only through the first one still running', async () => {
    const ports = embeddedPorts();
    const releases = new Map<string, () => void>();
    const fn = startFunction(
      definition((ctx) => new Promise((resolve) => releases.set(ctx.command.symbol, () => resolve({ records_written: 1, message: ctx.command.symbol })))),
      ports,
      quick,
    );
    const symbols = ['AAAUSDT', 'BBBUSDT', 'CCCUSDT'];
    // One key, one partition: the three commands sit at offsets 0, 1, 2 of the same partition.
    for (const symbol of symbols) {
      const encoded = encodeRecord(topic, command({ symbol, queue_id: `wf-${symbol.toLowerCase()}-api_trades-20240801-abc123` }));
      if (!encoded.ok) throw new Error(encoded.reason);
      await ports.bus.publish(topic.name, [{ key: 'one-partition', value: encoded.value }]);
    }
    await until('three steps to start', () => releases.size === 3);
    const partitionLag = async () => (await ports.bus.lag(commandGroupFor(TARGET), topic.name)).find((p) => p.endOffset > 0)!;
    releases.get('CCCUSDT')!();
    releases.get('BBBUSDT')!();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await partitionLag()).committedOffset).toBe(0);
    releases.get('AAAUSDT')!();
    await until('all three to be committed', async () => (await partitionLag()).committedOffset === 3);
    await fn.stop();
  });

  it('lets a metrics listener that throws break nothing: the step still finishes', async () => {
    const ports = embeddedPorts();
    const failures: string[] = [];
    const { Instrumentation } = await import('./instrumentation.ts');
    const instrumentation = new Instrumentation((_error, event) => failures.push(event));
    instrumentation.on('step.started', () => {
      throw new Error('listener bug');
    });
    const fn = startFunction(
      definition(async () => ({ records_written: 3, message: 'fine' })),
      { ...ports, instrumentation },
      quick,
    );
    await send(ports, command());
    const got = await events(ports, 2);
    await fn.stop();
    expect(got[1]).toMatchObject({ status: 'finished', message: 'fine' });
    expect(failures).toEqual(['step.started']);
  });

  it('drains on shutdown: the interrupted step is not committed, and the next instance runs it to the end', async () => {
    const ports = embeddedPorts();
    let firstStarted = false;
    const first = startFunction(
      definition((ctx) => {
        firstStarted = true;
        return hang(ctx);
      }),
      ports,
      quick,
    );
    await send(ports, command());
    await until('the first step to start', () => firstStarted);
    await first.stop();
    const afterStop = await events(ports, 2);
    expect(afterStop.map((e) => [e.status, e.finished])).toEqual([
      ['started', false],
      ['interrupted', false],
    ]);
    expect(await commandLag(ports)).toBe(1);
    const second = startFunction(
      definition(async () => ({ records_written: 7, message: 'resumed' })),
      ports,
      quick,
    );
    const all = await events(ports, 4);
    await second.stop();
    expect(all[3]).toMatchObject({ status: 'finished', records_written: 7 });
    expect(await commandLag(ports)).toBe(0);
  });
});
