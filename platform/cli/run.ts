// `streamforge run`: start a workflow and show its progress until it ends. Without an orchestrator at
// --url (default http://127.0.0.1:$PORT) it runs an embedded platform for the one workflow.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { loadConfig } from '../../shared/config.ts';
import { errorMessage } from '../../shared/errors.ts';
import { TARGETS } from '../../shared/contracts/names.ts';
import { workflowRequestSchema } from '../../shared/contracts/workflow.ts';
import { listOption, parseOptions } from './args.ts';
import { RefusedError, followWorkflow, startWorkflow } from './follow.ts';
import { ProgressView, describeOutcome } from './progress.ts';
import { UsageError } from './usage.ts';

const schema = z.object({
  symbols: listOption('--symbols BTCUSDT,ETHUSDT'),
  types: listOption('--types api_candles_5m,api_trades'),
  range: z.string({ error: 'is required, e.g. --range 2024-08-01:2024-08-02 (UTC, half-open)' }),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8080' }).optional(),
  pipeline: listOption('--pipeline graph,train').optional(),
  options: z.string().optional(),
});

const FLAG_OF: Record<string, string> = { symbols: '--symbols', types: '--types', time_range: '--range', pipeline: '--pipeline', options: '--options' };

/** --options takes the stages' options as JSON, inline or from a file named after an @. */
async function readStageOptions(given: string | undefined): Promise<unknown> {
  if (given === undefined) return undefined;
  let text = given;
  if (given.startsWith('@')) {
    try {
      text = await readFile(given.slice(1), 'utf8');
    } catch (error) {
      throw new UsageError(`--options: cannot read ${given.slice(1)}: ${errorMessage(error)}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--options: not JSON (${errorMessage(error)}); e.g. --options '{"walk_forward":{"train_bars":1152,"test_bars":576}}' or --options @options.json`);
  }
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/livez`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseOptions(
    argv,
    { symbols: { type: 'string' }, types: { type: 'string' }, range: { type: 'string' }, url: { type: 'string' }, pipeline: { type: 'string' }, options: { type: 'string' } },
    schema,
  );
  const options = await readStageOptions(values.options);
  const request = {
    symbols: values.symbols,
    types: values.types,
    time_range: values.range,
    ...(values.pipeline ? { pipeline: values.pipeline } : {}),
    ...(options !== undefined ? { options } : {}),
  };
  const checked = workflowRequestSchema.safeParse(request);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const [field, ...rest] = issue.path;
    const where = field === 'options' ? (rest.length ? ` (${rest.join('.')})` : '') : rest[0] === undefined ? '' : ` (item ${Number(rest[0]) + 1})`;
    throw new UsageError(`${FLAG_OF[String(field)] ?? String(field)}${where}: ${issue.message}`);
  }
  if (values.url && !(await reachable(values.url))) throw new UsageError(`--url: no orchestrator answers at ${values.url}`);
  const config = loadConfig();
  let url = values.url ?? `http://127.0.0.1:${config.port ?? 8080}`;
  let embedded: { stop(): Promise<void> } | undefined;
  if (!values.url && !(await reachable(url))) {
    const [{ startLocalPlatform }, { silentLogger }] = await Promise.all([import('../local.ts'), import('../../shared/logger.ts')]);
    const platform = await startLocalPlatform({ ...config, port: 0, exchange: { ...config.exchange, simPort: 0 }, visualizer: { ...config.visualizer, port: 0 } }, silentLogger);
    embedded = platform;
    url = platform.url;
    console.log(`No orchestrator on port ${config.port ?? 8080}; running an embedded platform (data in ${config.dataDir}).`);
  }
  try {
    const started = performance.now();
    let id: string;
    try {
      id = await startWorkflow(url, request);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      console.error(`streamforge run: the orchestrator refused the workflow: ${error.message}`);
      return 1;
    }
    const workflow = await followWorkflow(url, id, new ProgressView());
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (workflow.status === 'succeeded') {
      const records = workflow.steps.filter((s) => s.target === TARGETS.persister).reduce((sum, s) => sum + s.records_written, 0);
      const where = embedded ? `in ${config.dataDir}; \`npm start\` serves them at /candles and /trades` : `at ${url}/candles and ${url}/trades`;
      console.log(`Workflow ${workflow.id} succeeded in ${seconds}s: ${records.toLocaleString('en-US')} records stored ${where}.`);
      for (const step of workflow.steps) if (step.result) console.log(describeOutcome(step.result));
      return 0;
    }
    console.error(`Workflow ${workflow.id} ${workflow.status}: ${workflow.reason ?? 'no reason given'}`);
    return 1;
  } finally {
    await embedded?.stop();
  }
}
