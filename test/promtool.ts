// promtool, from Debian's `prometheus` package: lints a /metrics page, checks and unit-tests rule files.
import { spawn } from 'node:child_process';

export interface PromtoolResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs `promtool <args>` with `input` on its standard input; resolves to its exit code and output. */
export function promtool(args: readonly string[], input?: string): Promise<PromtoolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => reject(new Error(`promtool could not run (${error.message}); install Debian's package: apt-get install prometheus`)));
    child.once('exit', (code) => resolve({ code, output }));
    child.stdin.end(input ?? '');
  });
}

/** `promtool check metrics` on an exposition page: every name, type, unit and help line by Prometheus's conventions. */
export const checkMetrics = (page: string) => promtool(['check', 'metrics'], page);
