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
  fn <orchestrator|loader|persister|dummy>
                          run one function alone, as in a pod (BUS=kafka KAFKA_BROKERS=host:port)
  dummy check             produce, consume and commit on a scratch topic of the configured bus
  dummy load [--topic T] [--rate N] [--size B] [--duration S]
                          publish synthetic records at N/s of B bytes for S seconds

Configuration comes from the environment: PORT, DATA_DIR, BINANCE_REST_URL, BUS, KAFKA_BROKERS, STORE, LOG_LEVEL (see README).`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    symbols: { type: 'string' },
    types: { type: 'string' },
    range: { type: 'string' },
    url: { type: 'string' },
    port: { type: 'string' },
    seed: { type: 'string' },
    topic: { type: 'string' },
    rate: { type: 'string' },
    size: { type: 'string' },
    duration: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const [command] = positionals;
if (!command || values.help) {
  console.log(USAGE);
  process.exit(command || values.help ? 0 : 2);
}

// Exit explicitly: a drained process must not linger on a client library's idle sockets or timers.
runCommand(command, values, positionals).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `streamforge ${command}: ${(error as Error).message}`);
    process.exit(1);
  },
);
