// `streamforge events <id>`: a workflow's timeline from the orchestrator at --url (default
// http://127.0.0.1:$PORT): every report of its functions and every decision of the orchestrator, in order,
// then a line per step; --json for scripts (every entry, and the per-step summary).
import { z } from 'zod';
import { loadConfig } from '../../shared/config.ts';
import { type TimelineEntry, timelineEntrySchema } from '../../shared/contracts/timeline.ts';
import { type Workflow, workflowSchema } from '../../shared/contracts/workflow.ts';
import { parseOptions } from './args.ts';
import { renderTimeline, summarizeSteps } from './timeline-view.ts';
import { UsageError } from './usage.ts';

const schema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8080' }).optional(),
  json: z.boolean().optional(),
  all: z.boolean().optional(),
});

const pageSchema = z.object({ entries: z.array(timelineEntrySchema), next: z.string().nullable() });
const errorSchema = z.object({ error: z.string() });
/** The largest page the API serves. */
const PAGE = 5000;

/** The orchestrator answered, but not with what was asked for: its own message. */
class Refused extends Error {
  override readonly name = 'Refused';
}

async function getJson(base: string, path: string): Promise<unknown> {
  const response = await fetch(`${base}${path}`);
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) throw new Refused(errorSchema.safeParse(body).data?.error ?? `GET ${path} answered ${response.status}`);
  return body;
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/livez`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

/** Every entry of the timeline, following the pages' next links. */
async function readTimeline(base: string, id: string): Promise<TimelineEntry[]> {
  const entries: TimelineEntry[] = [];
  let path: string | null = `/workflows/${encodeURIComponent(id)}/events?limit=${PAGE}`;
  while (path) {
    const page = pageSchema.parse(await getJson(base, path));
    entries.push(...page.entries);
    path = page.next;
  }
  return entries;
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { url: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' } }, schema);
  if (positionals.length !== 1) throw new UsageError('events takes one workflow id: streamforge events <id> [--url URL] [--json] [--all]');
  const id = positionals[0]!;
  const url = (values.url ?? `http://127.0.0.1:${loadConfig().port ?? 8080}`).replace(/\/$/, '');
  if (!(await reachable(url))) {
    if (values.url) throw new UsageError(`--url: no orchestrator answers at ${values.url}`);
    throw new Error(`no orchestrator answers at ${url}: start one (npm start), or name it with --url`);
  }
  let workflow: Workflow;
  let entries: TimelineEntry[];
  try {
    workflow = workflowSchema.parse(await getJson(url, `/workflows/${encodeURIComponent(id)}`));
    entries = await readTimeline(url, id);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    console.error(`streamforge events: ${error.message}`);
    return 1;
  }
  if (values.json) {
    const { id: workflowId, status, reason, created_at } = workflow;
    console.log(JSON.stringify({ workflow: { id: workflowId, status, reason, created_at }, entries, steps: summarizeSteps(workflow, entries) }, null, 2));
  } else console.log(renderTimeline(workflow, entries, { all: values.all ?? false }).join('\n'));
  return 0;
}
