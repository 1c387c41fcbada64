// Cancelling, retries the user can watch, a broken exchange page, and a restart in the middle of a
// workflow, end to end on embedded adapters. Timing comes from the simulator holding requests until
// the test releases them, never from sleeps.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalPlatform } from '../../platform/local.ts';
import { workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { DAY_COUNTS, api, ended, getWorkflow, persistedCounts, startTestPlatform, tempDir, until, waitForWorkflow } from '../helpers.ts';

const request = { symbols: ['BTCUSDT', 'ETHUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };
const platforms: LocalPlatform[] = [];
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((p) => p.stop()));
});

async function platform(env: Record<string, string> = {}) {
  const started = await startTestPlatform(env);
  platforms.push(started);
  return started;
}

const requestsServed = (p: LocalPlatform) => Object.values(p.sim!.stats.snapshot().requests).reduce((a, b) => a + b, 0);
/** Holds the exchange's aggTrades answers after the first few, until released. */
const holdTrades = (p: LocalPlatform, afterRequests = 6) => p.sim!.faults.inject({ path: '/api/v3/aggTrades', kind: 'hold', afterRequests, count: 1000 });

describe('workflow lifecycle', () => {
  it('cancels a running workflow: status cancelled, and the functions stop calling the exchange', async () => {
    const p = await platform();
    holdTrades(p);
    const { body } = await api(p, '/workflows', { json: request });
    await until(
      'a held trades request and stored trades',
      async () => p.sim!.faults.held() > 0 && (await getWorkflow(p, body.id)).steps.some((s) => s.target === 'arango-connector' && s.records_written > 0),
    );
    const cancelled = await api(p, `/workflows/${body.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    p.sim!.faults.release();
    const final = await waitForWorkflow(p, body.id, ended);
    expect(final.status).toBe('cancelled');
    expect(final.steps.filter((s) => s.type.kind === 'trades').every((s) => s.status === 'cancelled')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = requestsServed(p);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requestsServed(p)).toBe(after);
  });

  it('shows a retry while it waits (attempt, last error, next attempt) on GET and /ws and in the metric, then succeeds with exact counts', async () => {
    const p = await platform();
    const socket = new WebSocket(`${p.url.replace('http', 'ws')}/ws`);
    const messages: { type: string; steps?: { target: string; retry: unknown }[] }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    p.sim!.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 500, afterRequests: 6, count: 1 });
    // The orchestrator's own check of each symbol's first day is the first two klines requests.
    p.sim!.faults.inject({ path: '/api/v3/klines', kind: 'malformed', afterRequests: 3, count: 1 });
    const { body } = await api(p, '/workflows', { json: request });
    let seen: unknown;
    await until('a step waiting to retry', async () => {
      const step = (await getWorkflow(p, body.id)).steps.find((s) => s.retry?.next_at);
      seen = step && { target: step.target, retry: step.retry, message: step.message };
      return step !== undefined;
    });
    expect(seen).toEqual({
      target: 'loader-producer',
      retry: { attempt: 1, error: expect.stringMatching(/^(HTTP 500|malformed JSON) from http/), next_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      message: expect.stringMatching(/^attempt 1 failed: .*; next attempt at \d{4}-/),
    });
    const final = await waitForWorkflow(p, body.id, ended);
    socket.close();
    expect(final.status).toBe('succeeded');
    expect(persistedCounts(final)).toEqual(DAY_COUNTS);
    expect(final.steps.filter((s) => s.retry).map((s) => s.retry!.attempt)).toEqual([1, 1]);
    expect(p.sim!.stats.snapshot().responses['500']).toBe(1);
    const pushed = messages.flatMap((m) => m.steps ?? []).filter((s) => (s.retry as { next_at?: string } | null)?.next_at);
    expect(pushed.length).toBeGreaterThanOrEqual(2);
    expect(await (await fetch(`${p.url}/metrics`)).text()).toMatch(/^streamforge_step_retries_total\{fn="loader"\} 2$/m);
  });

  it("refuses an unknown symbol up front; one that gets past (exchange unreachable then) fails with the exchange's reason", async () => {
    const p = await platform();
    const refused = await api(p, '/workflows', { json: { ...request, symbols: ['NOPEUSDT'] } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'symbols[0]: unknown symbol NOPEUSDT on the exchange', field: 'symbols[0]' });
    const created = await p.engine.create(workflowRequestSchema.parse({ ...request, symbols: ['NOPEUSDT'], types: ['api_candles_5m'] }));
    const final = await waitForWorkflow(p, created.id, ended);
    expect(final.status).toBe('failed');
    expect(final.reason).toMatch(/^loader-producer NOPEUSDT api_candles_5m: Binance error -1121 .*Invalid symbol/);
    expect(final.steps.map((s) => s.status).sort()).toEqual(['cancelled', 'failed']);
  });

  it('resumes a workflow left running by a stopped platform and finishes it with exact counts', async () => {
    const dataDir = await tempDir('sf-restart-');
    const first = await platform({ DATA_DIR: dataDir });
    holdTrades(first, 10);
    const { body } = await api(first, '/workflows', { json: request });
    await until(
      'held trades requests and stored trades',
      async () =>
        first.sim!.faults.held() > 0 && (await getWorkflow(first, body.id)).steps.some((s) => s.type.kind === 'trades' && s.target === 'arango-connector' && s.records_written > 0),
    );
    const stopping = first.stop();
    first.sim!.faults.release();
    await stopping;
    platforms.splice(platforms.indexOf(first), 1);

    const second = await platform({ DATA_DIR: dataDir });
    expect((await getWorkflow(second, body.id)).status).toBe('running');
    const final = await waitForWorkflow(second, body.id, ended);
    expect(final.status).toBe('succeeded');
    expect(persistedCounts(final)).toEqual(DAY_COUNTS);
    expect(await second.ports.store.count('btcusdt_api_trades_2024_08_01')).toBe(28_800);
  });
});
