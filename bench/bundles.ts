// Each function's bundle: its size (what it loads at start), and its cold start as its container starts
// it (`node dist/<name>.mjs` to /readyz 200, on the embedded adapters) beside `node -e 0`, bare Node.
import { spawn } from 'node:child_process';
import { type BundleSize, buildBundles } from '../platform/build.ts';
import { benchColdStart } from './cold-start.ts';

export interface BundleRun extends BundleSize {
  readonly medianMs: number;
  readonly maxMs: number;
}

async function bareNodeMs(runs = 7): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await new Promise((resolve) => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' }).once('exit', resolve));
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

export async function benchBundles(): Promise<{ bareNodeMs: number; bundles: BundleRun[] }> {
  const sizes = await buildBundles();
  const dist = new URL('../dist/', import.meta.url).pathname;
  const bundles: BundleRun[] = [];
  const bare = await bareNodeMs();
  for (const size of sizes) {
    const cold = await benchColdStart([`${dist}${size.name}.mjs`], { BINANCE_REST_URL: 'http://127.0.0.1:9', HOST: '127.0.0.1' });
    bundles.push({ ...size, medianMs: cold.medianMs, maxMs: cold.maxMs });
  }
  return { bareNodeMs: bare, bundles };
}
