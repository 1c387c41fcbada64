#!/usr/bin/env node
// streamforge: the command line of the platform. `up` runs it all locally, `run` starts and follows a
// workflow, `sim` serves the Binance-compatible exchange simulator alone.
import { parseArgs } from 'node:util';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`StreamForge needs Node >= 22.19 (24 LTS recommended); this is ${process.versions.node}. Run it through npm (npm start, npx streamforge), which uses the Node 24 installed with the project.`);
  process.exit(1);
}

import { ConfigError } from '../shared/config.ts';
import { runCommand } from '../shared/cli/commands.ts';

const USAGE = `Usage: streamforge <command> [options]

Commands:
  up                      run the whole platform locally (orchestrator on $PORT, default 8080)
  run --symbols A,B --types api_candles_5m,api_trades --range 2024-08-01:2024-08-02 [--url URL]
                          start a workflow and show live progress until it ends; without an
                          orchestrator at --url (default http://127.0.0.1:$PORT) it runs one embedded
  sim [--port N] [--seed S]
                          serve the Binance-compatible exchange simulator alone

Configuration comes from the environment: PORT, DATA_DIR, BINANCE_REST_URL, BUS, STORE, LOG_LEVEL (see README).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    symbols: { type: 'string' },
    types: { type: 'string' },
    range: { type: 'string' },
    url: { type: 'string' },
    port: { type: 'string' },
    seed: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const [command] = positionals;
if (!command || values.help) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 2);
}

runCommand(command, values).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `streamforge ${command}: ${(error as Error).message}`);
    process.exitCode = 1;
  },
);
