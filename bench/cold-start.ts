// Cold start: from spawning a fresh `node` process to its /readyz answering 200.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../platform/free-port.ts';

async function once(args: string[], env: Record<string, string>): Promise<number> {
  const [port, simPort] = [await freePort(), await freePort()];
  const dataDir = await mkdtemp(join(tmpdir(), 'sf-cold-'));
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, PORT: String(port), SIM_PORT: String(simPort), VISUALIZER_PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Median and max of several cold starts of the given entry point. */
export async function benchColdStart(args: string[], env: Record<string, string> = {}, runs = 7): Promise<{ medianMs: number; maxMs: number; runs: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once(args, env));
  times.sort((a, b) => a - b);
  return { medianMs: times[Math.floor(times.length / 2)]!, maxMs: times.at(-1)!, runs };
}
