#!/usr/bin/env node
// streamforge: the command line of the platform. Each command's module loads only when it is called, so
// `--help` and a usage mistake answer at once; a mistake prints one line and the usage and exits 2.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(
    `StreamForge needs Node >= 22.19 (24 LTS recommended); this is ${process.versions.node}. Run it through npm (npm start, npx streamforge), which uses the Node 24 installed with the project.`,
  );
  process.exit(1);
}

import { USAGE, UsageError } from '../platform/cli/usage.ts';

// kafkajs 2.2.4 sets a negative timeout in its request queue; Node 24 warns about it on every client.
// Harmless (the timer runs at once, as before), and noise in a command's output: the one warning dropped.
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (warning.name !== 'TimeoutNegativeWarning') console.error(`${warning.name}: ${warning.message}`);
});

type Command = { main(argv: readonly string[]): Promise<number> };
const COMMANDS: Record<string, () => Promise<Command>> = {
  up: () => import('../platform/cli/up.ts'),
  run: () => import('../platform/cli/run.ts'),
  events: () => import('../platform/cli/events.ts'),
  sim: () => import('../platform/cli/sim.ts'),
  fn: () => import('../platform/cli/fn.ts'),
  dummy: () => import('../platform/cli/dummy.ts'),
  node: () => import('../platform/cli/node.ts'),
  logs: () => import('../platform/cli/logs.ts'),
  cluster: () => import('../platform/cli/cluster.ts'),
  models: () => import('../platform/cli/models.ts'),
};

const [command, ...rest] = process.argv.slice(2);
if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}

function usageMistake(message: string): never {
  console.error(`streamforge: ${message}\n\n${USAGE}`);
  process.exit(2);
}

const load = COMMANDS[command];
if (!load) usageMistake(`unknown command "${command}"`);
if (rest.includes('--help') || rest.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}

// Exit explicitly: a drained process must not linger on a client library's idle sockets or timers.
load()
  .then((module) => module.main(rest))
  .then(
    (code) => process.exit(code),
    async (error: unknown) => {
      if (error instanceof UsageError) usageMistake(error.message);
      const { ConfigError } = await import('../shared/config.ts');
      console.error(error instanceof ConfigError ? error.message : `streamforge ${command}: ${(error as Error).message}`);
      process.exit(1);
    },
  );
