// The platform as an operator meets it: probes, metrics, the live socket (a snapshot, then only what
// changed), configuration errors, and `streamforge up` as a process.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LocalPlatform } from '../../platform/local.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { api, ended, startTestPlatform, tempDir, waitForWorkflow } from '../helpers.ts';
import { checkMetrics } from '../promtool.ts';

const request = { symbols: ['BTCUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };

interface Message {
  type: 'snapshot' | 'change';
  workflow?: { id: string; status: string; steps: unknown[] };
  workflow_id?: string;
  status?: string;
  steps?: { id: string; status: string }[];
  event?: { status: string; producer: string };
}

function collect(socket: WebSocket, until: (m: Message) => boolean): Promise<Message[]> {
  const messages: Message[] = [];
  return new Promise((resolve, reject) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Message;
      messages.push(message);
      if (until(message)) resolve(messages);
    });
    socket.on('error', reject);
  });
}

const isEnd = (m: Message) => ['succeeded', 'failed', 'cancelled'].includes(m.status ?? m.workflow?.status ?? '');

describe('running platform', () => {
  let platform: LocalPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.stop());

  it('listens on loopback by default and answers /livez and /readyz with its dependencies checked', async () => {
    expect(platform.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await api(platform, '/livez')).body).toEqual({ status: 'ok' });
    expect(await api(platform, '/readyz')).toMatchObject({ status: 200, body: { status: 'ready', checks: { bus: 'ok', store: 'ok', objects: 'ok' } } });
  });

  it('sends a followed workflow as a snapshot, then only the steps each update changed', async () => {
    const socketUrl = `${platform.url.replace('http', 'ws')}/ws`;
    const everything = new WebSocket(socketUrl);
    await new Promise((resolve) => everything.once('open', resolve));
    let followedId = '';
    const allDone = collect(everything, (m) => (m.workflow_id ?? m.workflow?.id) === followedId && isEnd(m));
    const { body } = await api(platform, '/workflows', { json: request });
    followedId = body.id;
    const following = new WebSocket(`${socketUrl}?workflow=${body.id}`);
    const followedDone = collect(following, isEnd);
    const [all, followed] = await Promise.all([allDone, followedDone]);
    everything.close();
    following.close();
    expect(followed[0]).toMatchObject({ type: 'snapshot', workflow: { id: body.id } });
    expect(followed[0]!.workflow!.steps).toHaveLength(4);
    const changes = followed.slice(1);
    expect(changes.length).toBeGreaterThan(3);
    expect(changes.every((m) => m.type === 'change' && m.workflow_id === body.id)).toBe(true);
    // A progress event changes one step: one step is sent, not the whole workflow.
    const progress = changes.filter((m) => m.event?.status === 'loading');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((m) => m.steps!.length === 1)).toBe(true);
    expect(changes.at(-1)).toMatchObject({ status: 'succeeded' });
    // The unfiltered socket saw the new workflow as a snapshot, then its changes.
    expect(all.find((m) => m.workflow?.id === body.id)?.type).toBe('snapshot');
    const seen = new Set(all.filter((m) => m.workflow_id === body.id && m.event).map((m) => `${m.event!.producer.split('__')[0]}:${m.event!.status}`));
    for (const expected of ['loader-producer:started', 'loader-producer:finished', 'arango-connector:started', 'arango-connector:finished']) expect(seen).toContain(expected);
  });

  it('refuses /ws for a workflow it does not know, with 404, instead of opening a silent socket', async () => {
    const socket = new WebSocket(`${platform.url.replace('http', 'ws')}/ws?workflow=wf-20240801-nope00`);
    const status = await new Promise<number>((resolve) => socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(404);
  });

  it('exposes Prometheus metrics of the steps it ran and its memory, passing promtool', async () => {
    const { body } = await api(platform, '/workflows', { json: { ...request, time_range: '2024-08-05:2024-08-06' } });
    await waitForWorkflow(platform, body.id, ended);
    const response = await fetch(`${platform.url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/streamforge_steps_total\{fn="persister",outcome="finished"\} [1-9]/);
    expect(text).toMatch(/streamforge_records_out_total\{fn="loader"\} [1-9]\d*/);
    expect(text).toMatch(/^streamforge_process_resident_memory_bytes \d+/m);
    // Every function of the process is there, and the page keeps Prometheus's naming conventions.
    for (const fn of ['loader', 'persister', 'orchestrator', 'visualizer', 'rl-agent-live']) expect(text).toContain(`streamforge_function_info{fn="${fn}"} 1`);
    expect(await checkMetrics(text)).toEqual({ code: 0, output: '' });
  });

  it('answers 426 to a plain GET /ws and 404 with the route to an unknown path', async () => {
    expect((await api(platform, '/ws')).status).toBe(426);
    expect(await api(platform, '/nope')).toMatchObject({ status: 404, body: { error: 'no route for GET /nope' } });
  });

  it('describes its health routes too in /openapi.json', async () => {
    const { body } = await api(platform, '/openapi.json');
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/workflows', '/livez', '/readyz', '/metrics']));
  });
});

describe('configuration', () => {
  it.each([
    [{ BUS: 'kafak' }, 'Invalid configuration: BUS="kafak": must be one of "embedded" | "kafka"'],
    [{ BUS: 'kafka' }, 'Invalid configuration: KAFKA_BROKERS="": required with BUS=kafka: host:port[,host:port...]'],
    [{ STORE: 'arango' }, 'Invalid configuration: ARANGO_URL="": required with STORE=arango: the server URL, e.g. http://127.0.0.1:8529'],
    [{ OBJECT_STORE: 'minio' }, 'Invalid configuration: OBJECT_STORE="minio": must be one of "fs" | "s3"'],
    [{ OBJECT_STORE: 's3' }, 'Invalid configuration: S3_BUCKET="": required with OBJECT_STORE=s3: the bucket of the model registry'],
    [{ OBJECT_STORE: 's3', S3_BUCKET: 'Models' }, /^Invalid configuration: S3_BUCKET="Models": must be a valid S3 bucket name/],
    [{ OBJECT_STORE: 's3', S3_BUCKET: 'models', S3_ENDPOINT: 'minio:9000' }, /^Invalid configuration: S3_ENDPOINT="minio:9000": must be the http\(s\) URL/],
    [
      { OBJECT_STORE: 's3', S3_BUCKET: 'models', AWS_ACCESS_KEY_ID: 'key' },
      'Invalid configuration: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together (or neither, for the default credential chain)',
    ],
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT="eighty"/],
    [{ BINANCE_REST_URL: 'ftp://example' }, /^Invalid configuration: BINANCE_REST_URL="ftp:\/\/example"/],
    [
      { RESULTS_DATABASE_URL: 'mysql://analyst:secret@db/results' },
      /^Invalid configuration: RESULTS_DATABASE_URL="mysql:\/\/analyst:\*\*\*@db\/results": must be a postgres:\/\/ or postgresql:\/\/ URL/,
    ],
    [
      { BUS: 'kafka', KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512' },
      'Invalid configuration: KAFKA_SASL_MECHANISM=scram-sha-512 needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    ],
  ])('refuses %o at boot, naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('configures S3 the way every S3 tool is, path-style for a server of its own, and the filesystem by default', () => {
    expect(loadConfig({}).objects).toMatchObject({ kind: 'fs' });
    expect(loadConfig({ OBJECT_STORE: 's3', S3_ENDPOINT: 'http://127.0.0.1:9000', S3_BUCKET: 'models', AWS_ACCESS_KEY_ID: 'k', AWS_SECRET_ACCESS_KEY: 's' }).objects).toEqual({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'models',
      region: 'us-east-1',
      credentials: { accessKeyId: 'k', secretAccessKey: 's' },
      forcePathStyle: true,
    });
    expect(loadConfig({ OBJECT_STORE: 's3', S3_BUCKET: 'models', AWS_REGION: 'eu-west-1' }).objects).toEqual({
      kind: 's3',
      endpoint: undefined,
      bucket: 'models',
      region: 'eu-west-1',
      credentials: undefined,
      forcePathStyle: false,
    });
  });

  it('sends backtest results to the PostgreSQL that RESULTS_DATABASE_URL names, else to SQLite in DATA_DIR', () => {
    expect(loadConfig({ RESULTS_DATABASE_URL: 'postgresql://sf:pw@db:5432/results' }).results).toEqual({ kind: 'postgres', url: 'postgresql://sf:pw@db:5432/results' });
    expect(loadConfig({ DATA_DIR: '/srv/sf' }).results).toEqual({ kind: 'sqlite', file: '/srv/sf/results.db' });
  });

  it('has working defaults and typed adapter settings', () => {
    expect(loadConfig({})).toMatchObject({ port: undefined, host: undefined, bus: { kind: 'embedded' }, store: { kind: 'sqlite' }, exchange: { simPort: 8081 } });
    expect(loadConfig({ BUS: 'kafka', KAFKA_BROKERS: 'a:1,b:2', BUS_RETENTION_MS: '60000' }).bus).toEqual({
      kind: 'kafka',
      brokers: ['a:1', 'b:2'],
      clientId: 'streamforge',
      ssl: false,
      retention: { ms: 60_000 },
    });
  });
});

describe('streamforge up', () => {
  it('starts on loopback, says where its data lives and how to use real Binance, and exits 0 on SIGTERM', async () => {
    const dataDir = await tempDir('sf-up-');
    const child = spawn(process.execPath, ['bin/streamforge.ts', 'up'], {
      env: { ...process.env, PORT: '0', SIM_PORT: '0', VISUALIZER_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 300 && !output.includes('try:'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain('StreamForge is up: orchestrator at http://127.0.0.1:');
    expect(output).toContain('listening on 127.0.0.1 only; set HOST=0.0.0.0 to accept other machines');
    expect(output).toMatch(/live market page {2}http:\/\/127\.0\.0\.1:\d+ /);
    expect(output).toContain(dataDir);
    expect(output).toContain('BINANCE_REST_URL=https://api.binance.com');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: draining functions');
  });

  it('refuses a bad setting with the variable named and a non-zero exit', async () => {
    const child = spawn(process.execPath, ['bin/streamforge.ts', 'up'], { env: { ...process.env, STORE: 'mongo' } });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(errors.trim()).toBe('Invalid configuration: STORE="mongo": must be one of "sqlite" | "arango"');
  });
});
