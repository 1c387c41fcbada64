// /livez (the process answers), /readyz (its dependencies answer), /metrics (prom-client), on the service port.
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { errorMessage } from '../errors.ts';

export type ReadinessCheck = () => Promise<void>;

export function healthRoutes(registry: Registry, checks: Record<string, ReadinessCheck>): Hono {
  const app = new Hono();
  app.get('/livez', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => {
        try {
          await check();
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, errorMessage(error)] as const;
        }
      }),
    );
    const ready = results.every(([, result]) => result === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
