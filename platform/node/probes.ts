// Readiness and liveness probes as a kubelet runs them: httpGet (2xx/3xx), tcpSocket and exec, every
// periodSeconds after initialDelaySeconds, each within timeoutSeconds; a result changes only after
// successThreshold successes or failureThreshold failures in a row. One deviation: until a readiness
// probe has first succeeded it is tried every 500 ms (never less often than its period), so a pod is
// Ready as soon as it answers instead of up to a period later.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import type { V1Probe } from '@kubernetes/client-node';

export interface ProbeTarget {
  /** The container's allocated port, for a probe port that names or numbers one of its ports. */
  readonly port: (port: number | string | undefined) => number;
  readonly env: Record<string, string>;
  readonly cwd: string;
}

const FIRST_READINESS_EVERY_MS = 500;

async function probeOnce(probe: V1Probe, target: ProbeTarget): Promise<boolean> {
  const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.httpGet) {
    const scheme = (probe.httpGet.scheme ?? 'HTTP').toLowerCase();
    const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const url = `${scheme}://127.0.0.1:${target.port(probe.httpGet.port)}${probe.httpGet.path ?? '/'}`;
    try {
      const response = await fetch(url, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
      await response.body?.cancel();
      return response.status >= 200 && response.status < 400;
    } catch {
      return false;
    }
  }
  if (probe.tcpSocket) {
    const port = target.port(probe.tcpSocket.port);
    return new Promise((resolve) => {
      const socket = connect({ port, host: '127.0.0.1', timeout: timeoutMs });
      const done = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.once('connect', () => done(true));
      socket.once('error', () => done(false));
      socket.once('timeout', () => done(false));
    });
  }
  if (probe.exec?.command?.length) {
    const [file, ...args] = probe.exec.command;
    return new Promise((resolve) => {
      execFile(file === 'node' ? process.execPath : file!, args, { env: target.env, cwd: target.cwd, timeout: timeoutMs, killSignal: 'SIGKILL' }, (error) => resolve(!error));
    });
  }
  return true; // grpc and unknown handlers are not run: they count as passing
}

/**
 * Runs a probe until stopped, calling onResult whenever its result changes. Before any probe has
 * answered, readiness counts as failing and liveness as passing, as in a kubelet.
 */
export function runProbe(kind: 'readiness' | 'liveness', probe: V1Probe, target: ProbeTarget, onResult: (ok: boolean) => void): () => void {
  const periodMs = (probe.periodSeconds ?? 10) * 1000;
  const successThreshold = probe.successThreshold ?? 1;
  const failureThreshold = probe.failureThreshold ?? 3;
  let result = kind === 'liveness';
  let everSucceeded = false;
  let successes = 0;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    const ok = await probeOnce(probe, target);
    if (stopped) return;
    successes = ok ? successes + 1 : 0;
    failures = ok ? 0 : failures + 1;
    everSucceeded ||= ok;
    const next = ok ? (result || successes >= successThreshold ? true : result) : failures >= failureThreshold ? false : result;
    if (next !== result) {
      result = next;
      onResult(result);
    }
    const waitMs = kind === 'readiness' && !everSucceeded ? Math.min(periodMs, FIRST_READINESS_EVERY_MS) : periodMs;
    timer = setTimeout(() => void tick(), waitMs);
  };
  timer = setTimeout(() => void tick(), (probe.initialDelaySeconds ?? 0) * 1000);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
