// The platform as an operator meets it: probes, metrics, the live socket, configuration errors, SIGTERM.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import type { LocalPlatform } from '../../shared/platform/local.ts';
import type { Workflow } from '../../functions/orchestrator/plan.ts';
import { api, ended, startTestPlatform, tempDir, waitForWorkflow } from '../helpers.ts';

const request = { symbols: ['BTCUSDT'], types: ['api_candles_5m', 'api_trades'], time_range: '2024-08-01:2024-08-02' };

describe('running platform', () => {
  let platform: LocalPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.stop());

  it('answers /livez and /readyz with its dependencies checked', async () => {
    expect(await api(platform, '/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await api(platform, '/readyz')).toEqual({ status: 200, body: { status: 'ready', checks: { bus: 'ok', store: 'ok' } } });
  });

  it('pushes every change and progress event over /ws, and only the followed workflow when filtered', async () => {
    const socketUrl = `${platform.url.replace('http', 'ws')}/ws`;
    const collect = (socket: WebSocket, until: (m: { workflow: Workflow }) => boolean) => {
      const messages: { workflow: Workflow; event?: { status: string; producer: string } }[] = [];
      return new Promise<typeof messages>((resolve, reject) => {
        socket.on('message', (data) => {
          const message = JSON.parse(String(data));
          messages.push(message);
          if (until(message)) resolve(messages);
        });
        socket.on('error', reject);
      });
    };
    const everything = new WebSocket(socketUrl);
    await new Promise((resolve) => everything.once('open', resolve));
    let followedId = '';
    const allDone = collect(everything, (m) => m.workflow.id === followedId && ended(m.workflow));
    const { body } = await api(platform, '/workflows', { json: request });
    followedId = body.id;
    const following = new WebSocket(`${socketUrl}?workflow=${body.id}`);
    const followedDone = collect(following, (m) => ended(m.workflow));
    const other = await api(platform, '/workflows', { json: { ...request, symbols: ['ETHUSDT'] } });
    const [all, followed] = await Promise.all([allDone, followedDone]);
    everything.close();
    following.close();
    expect(followed.every((m) => m.workflow.id === body.id)).toBe(true);
    expect(followed.at(-1)!.workflow.status).toBe('succeeded');
    const seen = new Set(all.filter((m) => m.workflow.id === body.id && m.event).map((m) => `${m.event!.producer.split('__')[0]}:${m.event!.status}`));
    for (const expected of ['loader-producer:started', 'loader-producer:finished', 'arango-connector:started', 'arango-connector:finished']) expect(seen).toContain(expected);
    expect(all.some((m) => m.workflow.id === other.body.id)).toBe(true);
    await waitForWorkflow(platform, other.body.id, ended);
  });

  it('exposes Prometheus metrics of the steps it ran', async () => {
    const response = await fetch(`${platform.url}/metrics`);
    const text = await response.text();
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text).toMatch(/streamforge_steps_total\{fn="persister",outcome="finished"\} [1-9]/);
    expect(text).toMatch(/streamforge_records_total\{fn="loader"\} [1-9]\d*/);
    expect(text).toMatch(/streamforge_process_cpu_seconds_total/);
  });

  it('answers 426 to a plain GET /ws and 404 with the route to an unknown path', async () => {
    expect((await api(platform, '/ws')).status).toBe(426);
    expect(await api(platform, '/nope')).toEqual({ status: 404, body: { error: 'no route for GET /nope' } });
  });
});

describe('configuration', () => {
  it('fails at boot naming the bad setting', () => {
    expect(() => loadConfig({ BUS: 'kafak' })).toThrow(ConfigError);
    expect(() => loadConfig({ BUS: 'kafak' })).toThrow(/^Invalid configuration: BUS="kafak": /);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfig({ BINANCE_REST_URL: 'ftp://example' })).toThrow(/BINANCE_REST_URL/);
    expect(() => loadConfig({ BUS: 'kafka' })).toThrow(/BUS=kafka needs KAFKA_BROKERS/);
  });

  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8080, BUS: 'embedded', STORE: 'sqlite', SIM_PORT: 8081 });
  });
});

describe('streamforge up', () => {
  it('starts, says where its data lives and how to use real Binance, and exits 0 on SIGTERM', async () => {
    const dataDir = await tempDir('sf-up-');
    const child = spawn(process.execPath, ['bin/streamforge.ts', 'up'], { env: { ...process.env, PORT: '0', SIM_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    for (let i = 0; i < 200 && !output.includes('try:'); i++) await new Promise((r) => setTimeout(r, 50));
    expect(output).toContain('StreamForge is up: orchestrator at http://127.0.0.1:');
    expect(output).toContain(dataDir);
    expect(output).toContain('BINANCE_REST_URL=https://api.binance.com');
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM: draining functions');
  });

  it('refuses a bad setting with the variable named and a non-zero exit', async () => {
    const child = spawn(process.execPath, ['bin/streamforge.ts', 'up'], { env: { ...process.env, STORE: 'mongo' } });
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(errors).toMatch(/Invalid configuration: STORE="mongo"/);
  });
});
