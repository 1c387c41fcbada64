// /livez (the process answers), /readyz (its dependencies answer, each within a deadline), /metrics
// (prom-client), on the service port. A plain Hono app, so a function that serves nothing else does not
// load the OpenAPI machinery; an API that documents itself registers `healthRoutesDoc`.
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { errorMessage } from '../errors.ts';

export type ReadinessCheck = () => Promise<void>;

/** A dependency that does not answer within this is reported not ready, so a probe never hangs. */
export const READINESS_DEADLINE_MS = 2_000;

const liveSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Liveness' });
const readySchema = z
  .object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.string().describe('"ok", or why the dependency is not ready')) })
  .meta({ id: 'Readiness' });
const json = <S extends z.ZodType>(schema: S, description: string) => ({ description, content: { 'application/json': { schema } } });

/** The health routes as OpenAPI path entries, with the schemas their answers follow. */
export const healthRoutesDoc = [
  { method: 'get', path: '/livez', summary: 'Liveness: the process answers (no dependency checks)', responses: { 200: json(liveSchema, 'alive') } },
  {
    method: 'get',
    path: '/readyz',
    summary: `Readiness: every dependency answered within ${READINESS_DEADLINE_MS} ms`,
    responses: { 200: json(readySchema, 'ready'), 503: json(readySchema, 'a dependency is not ready') },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics',
    responses: { 200: { description: 'text exposition format', content: { 'text/plain': { schema: z.string() } } } },
  },
] as const;

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

export function healthRoutes(registry: Registry, checks: Record<string, ReadinessCheck>): Hono {
  const app = new Hono();
  app.get('/livez', (c) => c.json({ status: 'ok' as const }, 200));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(Object.entries(checks).map(async ([name, check]) => [name, await probe(check)] as const));
    const ready = results.every(([, result]) => result === 'ok');
    return c.json({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(results) }, ready ? 200 : 503);
  });
  app.get('/metrics', async (c) => c.text(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
