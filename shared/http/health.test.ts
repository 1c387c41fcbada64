// Probes answer in bounded time: a dependency that hangs makes /readyz say so within its deadline.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { READINESS_DEADLINE_MS, healthRoutes } from './health.ts';

describe('health routes', () => {
  it('answers /readyz 503 within the deadline when a dependency never answers, naming it', async () => {
    const app = healthRoutes(new Registry(), { bus: async () => undefined, store: () => new Promise<void>(() => undefined) });
    const started = performance.now();
    const response = await app.request('/readyz');
    const elapsed = performance.now() - started;
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not ready', checks: { bus: 'ok', store: `no answer within ${READINESS_DEADLINE_MS} ms` } });
    expect(elapsed).toBeGreaterThanOrEqual(READINESS_DEADLINE_MS - 50);
    expect(elapsed).toBeLessThan(READINESS_DEADLINE_MS + 1000);
  });

  it('answers /readyz 200 at once when every dependency answers, and /livez without asking any', async () => {
    let asked = 0;
    const app = healthRoutes(new Registry(), { bus: async () => void asked++ });
    expect(await (await app.request('/readyz')).json()).toEqual({ status: 'ready', checks: { bus: 'ok' } });
    expect(await (await app.request('/livez')).json()).toEqual({ status: 'ok' });
    expect(asked).toBe(1);
  });
});
