// The CLI's commands, each resolving to an exit code.
import { loadConfig, type Config } from '../config.ts';
import { createLogger, silentLogger } from '../logger.ts';
import { startLocalPlatform, type LocalPlatform } from '../platform/local.ts';
import { startExchangeSim } from '../../functions/exchange-sim/serve.ts';
import { runWorkflow } from './run.ts';
import { FUNCTION_NAMES, startFunctionProcess } from '../platform/function-process.ts';
import { createPorts } from '../platform/ports.ts';
import { checkBus, generateLoad } from '../../functions/dummy/index.ts';

type Values = {
  symbols?: string;
  types?: string;
  range?: string;
  url?: string;
  port?: string;
  seed?: string;
  topic?: string;
  rate?: string;
  size?: string;
  duration?: string;
};

export async function runCommand(command: string, values: Values, positionals: readonly string[] = []): Promise<number> {
  switch (command) {
    case 'up':
      return up(loadConfig());
    case 'sim':
      return sim(values);
    case 'run':
      return run(values);
    case 'fn':
      return fn(positionals[1]);
    case 'dummy':
      return dummy(positionals[1], values);
    default:
      throw new Error(`unknown command "${command}"; try streamforge --help`);
  }
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function banner(platform: LocalPlatform, config: Config): string {
  const exchange = platform.sim
    ? `exchange simulator at ${platform.restUrl} (seeded, offline); for real Binance set BINANCE_REST_URL=https://api.binance.com`
    : `exchange at ${platform.restUrl}`;
  return [
    `StreamForge is up: orchestrator at ${platform.url}`,
    `  API description   ${platform.url}/openapi.json`,
    `  live status       ${platform.url.replace('http', 'ws')}/ws`,
    `  data              ${config.dataDir} (${platform.ports.store.kind} store, ${platform.ports.bus.kind} bus)`,
    `  ${exchange}`,
    `  try: npx streamforge run${config.PORT === 8080 ? '' : ` --url ${platform.url}`} --symbols BTCUSDT,ETHUSDT --types api_candles_5m,api_trades --range 2024-08-01:2024-08-02`,
  ].join('\n');
}

async function up(config: Config): Promise<number> {
  const platform = await startLocalPlatform(config, createLogger('platform', config.LOG_LEVEL));
  console.log(banner(platform, config));
  const signal = await untilSignal();
  console.log(`${signal}: draining functions and closing the store…`);
  await platform.stop();
  return 0;
}

async function sim(values: Values): Promise<number> {
  const running = await startExchangeSim({ port: Number(values.port ?? 8081), seed: Number(values.seed ?? 42) });
  console.log(`exchange simulator listening at ${running.url} (seed ${running.sim.config.seed}); try ${running.url}/api/v3/klines?symbol=BTCUSDT&interval=5m&limit=3`);
  await untilSignal();
  await running.close();
  return 0;
}

function list(value: string | undefined, name: string): string[] {
  const items = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new Error(`--${name} is required, e.g. --${name} ${name === 'symbols' ? 'BTCUSDT,ETHUSDT' : 'api_candles_5m,api_trades'}`);
  return items;
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/livez`, { signal: AbortSignal.timeout(1500) })).ok;
  } catch {
    return false;
  }
}

async function run(values: Values): Promise<number> {
  const symbols = list(values.symbols, 'symbols');
  const types = list(values.types, 'types');
  if (!values.range) throw new Error('--range is required, e.g. --range 2024-08-01:2024-08-02 (UTC, half-open)');
  const config = loadConfig();
  let url = values.url ?? `http://127.0.0.1:${config.PORT}`;
  let embedded: LocalPlatform | undefined;
  if (!values.url && !(await reachable(url))) {
    embedded = await startLocalPlatform({ ...config, PORT: 0, SIM_PORT: 0, HOST: '127.0.0.1' }, silentLogger);
    url = embedded.url;
    console.log(`No orchestrator on port ${config.PORT}; running an embedded platform (data in ${config.dataDir}).`);
  }
  try {
    const started = performance.now();
    const workflow = await runWorkflow({ url, symbols, types, range: values.range });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (workflow.status === 'succeeded') {
      const records = workflow.steps.filter((s) => s.target === 'arango-connector').reduce((sum, s) => sum + s.records_written, 0);
      const where = embedded ? `in ${config.dataDir}; \`npm start\` serves them at /candles and /trades` : `at ${url}/candles and ${url}/trades`;
      console.log(`Workflow ${workflow.id} succeeded in ${seconds}s: ${records.toLocaleString('en-US')} records stored ${where}.`);
      return 0;
    }
    console.error(`Workflow ${workflow.id} ${workflow.status}: ${workflow.reason ?? 'no reason given'}`);
    return 1;
  } finally {
    await embedded?.stop();
  }
}

async function fn(name: string | undefined): Promise<number> {
  if (!name) throw new Error(`which function? streamforge fn <${FUNCTION_NAMES.join('|')}>`);
  const config = loadConfig();
  const logger = createLogger(name, config.LOG_LEVEL);
  const running = await startFunctionProcess(name, config, logger);
  logger.info({ url: running.url, bus: config.BUS, store: config.STORE }, `${name} ready`);
  const signal = await untilSignal();
  logger.info({ signal }, 'draining');
  await running.stop();
  return 0;
}

async function dummy(action: string | undefined, values: Values): Promise<number> {
  const config = loadConfig();
  const ports = await createPorts(config, createLogger('dummy', config.LOG_LEVEL));
  try {
    if (action === 'check') {
      const result = await checkBus(ports.bus);
      console.log(result.message);
      return result.ok ? 0 : 1;
    }
    if (action === 'load') {
      const result = await generateLoad(ports.bus, {
        topic: values.topic ?? 'dummy-load',
        ratePerSecond: Number(values.rate ?? 1000),
        recordBytes: Number(values.size ?? 200),
        durationMs: Number(values.duration ?? 10) * 1000,
      });
      console.log(`${result.records} records (${(result.bytes / 1_048_576).toFixed(1)} MB) in ${result.seconds.toFixed(1)} s: ${result.recordsPerSecond.toFixed(0)} records/s, ${result.mbPerSecond.toFixed(2)} MB/s`);
      return 0;
    }
    throw new Error('streamforge dummy check | load [--topic T] [--rate N/s] [--size bytes] [--duration s]');
  } finally {
    await ports.close();
  }
}
