// Cancelling, a broken exchange page, and a restart in the middle of a workflow, end to end on embedded adapters.
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalPlatform } from '../../shared/platform/local.ts';
import { api, ended, startTestPlatform, tempDir, waitForWorkflow } from '../helpers.ts';

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

const slowTrades = (p: LocalPlatform, ms = 200) => p.sim!.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'delay', ms, count: 1000 });
const requestsServed = (p: LocalPlatform) => Object.values(p.sim!.sim.stats.snapshot().requests).reduce((a, b) => a + b, 0);

describe('workflow lifecycle', () => {
  it('cancels a running workflow: status cancelled, and the functions stop calling the exchange', async () => {
    const p = await platform();
    slowTrades(p);
    const { body } = await api(p, '/workflows', { json: request });
    await waitForWorkflow(p, body.id, (w) => w.steps.some((s) => s.type === 'api_trades' && s.records_written > 0));
    const cancelled = await api(p, `/workflows/${body.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const final = await waitForWorkflow(p, body.id, ended);
    expect(final.status).toBe('cancelled');
    expect(final.steps.filter((s) => s.type === 'api_trades').every((s) => s.status === 'cancelled')).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = requestsServed(p);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(requestsServed(p)).toBe(after);
  });

  it('succeeds with exact counts when the exchange answers 500 and malformed JSON for some pages', async () => {
    const p = await platform();
    p.sim!.sim.faults.inject({ path: '/api/v3/aggTrades', kind: 'status', status: 500, afterRequests: 6, count: 2 });
    p.sim!.sim.faults.inject({ path: '/api/v3/klines', kind: 'malformed', afterRequests: 1, count: 1 });
    const { body } = await api(p, '/workflows', { json: request });
    const final = await waitForWorkflow(p, body.id, ended);
    expect(final.status).toBe('succeeded');
    const persisted = Object.fromEntries(final.steps.filter((s) => s.target === 'arango-connector').map((s) => [`${s.symbol}/${s.type}`, s.records_written]));
    expect(persisted).toEqual({ 'BTCUSDT/api_candles_5m': 288, 'BTCUSDT/api_trades': 28_800, 'ETHUSDT/api_candles_5m': 288, 'ETHUSDT/api_trades': 21_600 });
    expect(p.sim!.sim.stats.snapshot().responses['500']).toBe(2);
  });

  it('refuses an unknown symbol up front; one that gets past (exchange unreachable then) fails with the exchange\'s reason', async () => {
    const p = await platform();
    const refused = await api(p, '/workflows', { json: { ...request, symbols: ['NOPEUSDT'] } });
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ error: 'symbols[0]: unknown symbol NOPEUSDT on the exchange', field: 'symbols[0]' });
    const created = await p.engine.create({ ...request, symbols: ['NOPEUSDT'], types: ['api_candles_5m'] });
    const final = await waitForWorkflow(p, created.id, ended);
    expect(final.status).toBe('failed');
    expect(final.reason).toMatch(/^loader-producer NOPEUSDT api_candles_5m: Binance error -1121 .*Invalid symbol/);
    expect(final.steps.map((s) => s.status).sort()).toEqual(['cancelled', 'failed']);
  });

  it('resumes a workflow left running by a stopped platform and finishes it with exact counts', async () => {
    const dataDir = await tempDir('sf-restart-');
    const first = await platform({ DATA_DIR: dataDir });
    slowTrades(first, 300);
    const { body } = await api(first, '/workflows', { json: request });
    await waitForWorkflow(first, body.id, (w) => w.steps.some((s) => s.type === 'api_trades' && s.records_written > 0));
    await first.stop();
    platforms.splice(platforms.indexOf(first), 1);

    const second = await platform({ DATA_DIR: dataDir });
    const interrupted = await api(second, `/workflows/${body.id}`);
    expect(['running', 'succeeded']).toContain(interrupted.body.status);
    const final = await waitForWorkflow(second, body.id, ended);
    expect(final.status).toBe('succeeded');
    const persisted = final.steps.filter((s) => s.target === 'arango-connector').map((s) => s.records_written).sort((a, b) => a - b);
    expect(persisted).toEqual([288, 288, 21_600, 28_800]);
    const trades = await second.ports.store.count('btcusdt_api_trades_2024_08_01');
    expect(trades).toBe(28_800);
  });
});
