// `streamforge up`: the whole platform in this process until SIGINT/SIGTERM.
import { z } from 'zod';
import { loadConfig, type Config } from '../../shared/config.ts';
import { createLogger } from '../../shared/logger.ts';
import type { LocalPlatform } from '../local.ts';
import { parseOptions } from './args.ts';
import { untilSignal } from './signals.ts';

function banner(platform: LocalPlatform, config: Config): string {
  const exchange = platform.sim
    ? `exchange simulator at ${platform.restUrl} (seeded, offline); for real Binance set BINANCE_REST_URL=https://api.binance.com`
    : `exchange at ${platform.restUrl}`;
  const url = new URL(platform.url);
  return [
    `StreamForge is up: orchestrator at ${platform.url}`,
    `  API description   ${platform.url}/openapi.json`,
    `  live status       ${platform.url.replace('http', 'ws')}/ws`,
    `  live market page  ${platform.visualizerUrl} (start a workflow with ws_trades, ws_candles_1m, ws_depth to watch it)`,
    `  data              ${config.dataDir} (${platform.ports.store.kind} store, ${platform.ports.bus.kind} bus)`,
    `  ${exchange}`,
    `  listening on ${url.hostname} only${config.host ? '' : '; set HOST=0.0.0.0 to accept other machines'}`,
    `  try: npx streamforge run${url.port === '8080' ? '' : ` --url ${platform.url}`} --symbols BTCUSDT,ETHUSDT --types api_candles_5m,api_trades --range 2024-08-01:2024-08-02`,
  ].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  parseOptions(argv, {}, z.object({}));
  const config = loadConfig();
  const { startLocalPlatform } = await import('../local.ts');
  const platform = await startLocalPlatform(config, createLogger('platform', config.logLevel));
  console.log(banner(platform, config));
  const signal = await untilSignal();
  console.log(`${signal}: draining functions and closing the store…`);
  await platform.stop();
  return 0;
}
