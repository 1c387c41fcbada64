// One container of a pod on the process node: prepared (its command and environment resolved), started
// as a process, probed, held to its memory limit, restarted after it exits as the pod's restartPolicy
// says (with a doubling back-off, reset once it has run a while), and stopped with SIGTERM, then SIGKILL
// after the grace period. It reports its state as a kubelet reports a container's.
import type { V1Container, V1Probe } from '@kubernetes/client-node';
import { ContainerStartError, type Executable } from './images.ts';
import { forgetPid, recordPid } from './leftovers.ts';
import type { MemorySampler } from './memory.ts';
import { type ContainerProcess, startProcess } from './process.ts';
import { runProbe } from './probes.ts';
import { type ContainerReport, type State, rfc3339 } from './status.ts';

export interface Prepared {
  readonly executable: Executable;
  readonly env: Record<string, string>;
}

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A container that ran at least this long restarts after the initial back-off again. */
  readonly resetAfterMs: number;
}

export interface ContainerOptions {
  readonly spec: V1Container;
  /** `<pod>_<namespace>(<uid>)`, as the kubelet names a pod in messages. */
  readonly podRef: string;
  readonly restartPolicy: string;
  readonly port: number;
  readonly logFile: string;
  /** Where the running process's group is recorded, for a node that restarts after a crash. */
  readonly pidFile: string;
  readonly cwd: string;
  readonly memoryLimitBytes: number | undefined;
  readonly memory: MemorySampler;
  readonly backoff: Backoff;
  /** Resolves the command and environment before every start (a Secret may have changed). */
  prepare(): Promise<Prepared>;
  /** How long a liveness kill waits between SIGTERM and SIGKILL. */
  readonly graceMs: number;
  onChange(): void;
}

/** How long a container that cannot start (configuration, image) waits before trying again. */
const RETRY_START_MS = 2000;

const restarts = (policy: string, exitCode: number) => policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);

export class ContainerRunner {
  readonly done: Promise<void>;
  private readonly options: ContainerOptions;
  private state: State = { waiting: { reason: 'ContainerCreating' } };
  private lastState: State | Record<string, never> = {};
  private restartCount = 0;
  private ready = false;
  private imageID = '';
  private running: ContainerProcess | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(options: ContainerOptions) {
    this.options = options;
    this.done = this.run();
  }

  get pid(): number | undefined {
    return this.running?.pid;
  }

  report(): ContainerReport {
    const containerID = this.running?.pid ? `process://${this.running.pid}` : undefined;
    return {
      name: this.options.spec.name,
      image: this.options.spec.image ?? '',
      imageID: this.imageID,
      ...(containerID ? { containerID } : {}),
      state: this.state,
      lastState: this.lastState,
      ready: this.ready,
      started: 'running' in this.state,
      restartCount: this.restartCount,
    };
  }

  /** Ends the container for good: SIGTERM to its process group, SIGKILL after graceMs. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    if (this.running) await this.kill(this.running, graceMs);
    await this.done;
  }

  private async kill(running: ContainerProcess, graceMs: number): Promise<void> {
    running.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), graceMs)));
    if (await Promise.race([running.exited.then(() => false), expired])) running.signal('SIGKILL');
    clearTimeout(timer);
    await running.exited;
  }

  /** Waits, unless stopped first. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private setState(state: State): void {
    this.state = state;
    this.options.onChange();
  }

  private async run(): Promise<void> {
    const { spec, backoff } = this.options;
    let backoffMs = backoff.initialMs;
    while (!this.stopping) {
      let prepared: Prepared;
      try {
        prepared = await this.options.prepare();
      } catch (error) {
        // An API server that did not answer (reading a Secret) is not the pod's fault: try again as it is.
        const reason = error instanceof ContainerStartError ? error.reason : 'ContainerCreating';
        this.setState({ waiting: { reason, message: (error as Error).message } });
        await this.pause(RETRY_START_MS);
        continue;
      }
      if (this.stopping) break;
      const { executable, env } = prepared;
      this.imageID = executable.bundle ? `bundle://${executable.bundle}` : '';
      const startedAt = rfc3339();
      const running = startProcess({ file: executable.file, args: executable.args, env, cwd: spec.workingDir ?? this.options.cwd, logFile: this.options.logFile });
      this.running = running;
      if (running.pid !== undefined) recordPid(this.options.pidFile, running.pid);
      const why: { oom?: boolean; liveness?: boolean } = {};
      const unwatch = running.pid === undefined ? () => undefined : this.watch(running, env, why);
      this.ready = !spec.readinessProbe && running.pid !== undefined;
      if (running.pid !== undefined) this.setState({ running: { startedAt } });
      const exit = await running.exited;
      forgetPid(this.options.pidFile);
      unwatch();
      this.running = undefined;
      this.ready = false;
      const containerID = running.pid ? `process://${running.pid}` : undefined;
      const reason = exit.startError ? 'StartError' : why.oom ? 'OOMKilled' : exit.exitCode === 0 ? 'Completed' : 'Error';
      const message = exit.startError ?? (why.liveness ? `Container ${spec.name} failed liveness probe, will be restarted` : undefined);
      const terminated: State = {
        terminated: {
          exitCode: why.oom ? 137 : exit.exitCode,
          ...(exit.signal ? { signal: exit.exitCode - 128 } : {}),
          reason,
          ...(message ? { message } : {}),
          startedAt,
          finishedAt: rfc3339(),
          ...(containerID ? { containerID } : {}),
        },
      };
      if (this.stopping || !restarts(this.options.restartPolicy, exit.exitCode)) {
        this.setState(terminated);
        break;
      }
      this.lastState = terminated;
      this.restartCount++;
      if (Date.now() - Date.parse(startedAt) >= backoff.resetAfterMs) backoffMs = backoff.initialMs;
      this.setState({
        waiting: { reason: 'CrashLoopBackOff', message: `back-off ${Math.round(backoffMs / 1000)}s restarting failed container=${spec.name} pod=${this.options.podRef}` },
      });
      await this.pause(backoffMs);
      backoffMs = Math.min(backoffMs * 2, backoff.maxMs);
    }
    // Stopped while backing off: the container's last word is how it last ended.
    if (this.stopping && 'waiting' in this.state && 'terminated' in this.lastState) this.state = { terminated: this.lastState.terminated };
  }

  /** Memory limit and probes for one run of the process; returns what stops them. */
  private watch(running: ContainerProcess, env: Record<string, string>, why: { oom?: boolean; liveness?: boolean }): () => void {
    const { spec, memoryLimitBytes, memory } = this.options;
    const stops: (() => void)[] = [];
    if (memoryLimitBytes !== undefined)
      stops.push(
        memory.watch(running.pid!, memoryLimitBytes, () => {
          why.oom = true;
          running.signal('SIGKILL');
        }),
      );
    const target = { port: (p: number | string | undefined) => this.portFor(p), env, cwd: this.options.cwd };
    const probe = (kind: 'readiness' | 'liveness', p: V1Probe | undefined, onResult: (ok: boolean) => void) => p && stops.push(runProbe(kind, p, target, onResult));
    probe('readiness', spec.readinessProbe, (ok) => {
      this.ready = ok;
      this.options.onChange();
    });
    probe('liveness', spec.livenessProbe, (ok) => {
      if (ok || this.stopping) return;
      why.liveness = true;
      void this.kill(running, this.options.graceMs);
    });
    return () => {
      for (const stop of stops) stop();
    };
  }

  /**
   * The port a probe means: one of the container's declared ports (by name or number), the $PORT its
   * manifest set, or no port at all is the port the node gave it; any other number is probed as it is.
   */
  private portFor(port: number | string | undefined): number {
    const { spec } = this.options;
    const number = Number(port);
    if (port === undefined || !Number.isInteger(number)) return this.options.port;
    const manifestPort = spec.env?.find((e) => e.name === 'PORT')?.value;
    return spec.ports?.some((p) => p.containerPort === number) || manifestPort === String(number) ? this.options.port : number;
  }
}
