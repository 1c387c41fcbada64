// /livez (the process answers), /readyz (its dependencies answer, each within a deadline), /metrics
// (prom-client), on the service port, described in the service's OpenAPI document.
import { setTimeout as sleep } from 'node:timers/promises';
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { Registry } from 'prom-client';
import { errorMessage } from '../errors.ts';

export type ReadinessCheck = () => Promise<void>;

/** A dependency that does not answer within this is reported not ready, so a probe never hangs. */
export const READINESS_DEADLINE_MS = 2_000;

const liveSchema = z.object({ status: z.literal('ok') }).openapi('Liveness');
const readySchema = z
  .object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.string().describe('"ok", or why the dependency is not ready')) })
  .openapi('Readiness');

const livez = createRoute({
  method: 'get',
  path: '/livez',
  summary: 'Liveness: the process answers (no dependency checks)',
  responses: { 200: { description: 'alive', content: { 'application/json': { schema: liveSchema } } } },
});
const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  summary: `Readiness: every dependency answered within ${READINESS_DEADLINE_MS} ms`,
  responses: {
    200: { description: 'ready', content: { 'application/json': { schema: readySchema } } },
    503: { description: 'a dependency is not ready', content: { 'application/json': { schema: readySchema } } },
  },
});
const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics',
  responses: { 200: { description: 'text exposition format', content: { 'text/plain': { schema: z.string() } } } },
});

async function probe(check: ReadinessCheck): Promise<string> {
  const deadline = new AbortController();
  try {
    await Promise.race([
      check(),
      sleep(READINESS_DEADLINE_MS, undefined, { signal: deadline.signal }).then(() => {
        throw new Error(`no answer within ${READINESS_DEADLINE_MS} ms`);
      }),
    ]);
    return 'ok';
  } catch (error) {
    return errorMessage(error);
  } finally {
    deadline.abort();
  }
}

export function healthRoutes(registry: Registry, checks: Record<string, ReadinessCheck>): OpenAPIHono {
  const app = new OpenAPIHono();
  app.openapi(livez, (c) => c.json({ status: 'ok' as const }, 200));
  app.openapi(readyz, async (c) => {
    const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await probe(check)] as const));
    const ready = results.every(([, result]) => result === 'ok');
    return c.json({ status: ready ? ('ready' as const) : ('not ready' as const), checks: Object.fromEntries(results) }, ready ? 200 : 503);
  });
  app.openapi(metrics, async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
