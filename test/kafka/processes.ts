// Functions as separate processes on Kafka, started as their containers start them (`node dist/<name>.mjs`,
// the bundles the global setup builds): start, wait for /readyz, SIGTERM, SIGKILL, restart.
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../platform/free-port.ts';

const dist = new URL('../../dist/', import.meta.url).pathname;

export interface FunctionProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
  /** SIGTERM and wait for a clean exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no draining, no commit, like a pod dying. */
  kill(): Promise<void>;
}

export async function startFunctionProcess(name: string, env: Record<string, string>, readyTimeoutMs = 60_000): Promise<FunctionProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [`${dist}${name}.mjs`], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`fn ${name} exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`fn ${name} not ready within ${readyTimeoutMs} ms:\n${output}`);
    }
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    name,
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
