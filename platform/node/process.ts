// One container's process: started in a process group of its own (a new session), its stdout and
// stderr appended straight to the container's log file (the node never sits in the pipe, so output
// survives a busy or restarted node), and signalled as a group, so whatever it started goes with it.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { constants } from 'node:os';

export interface Exit {
  /** The container's exit code: the process's, or 128 + the signal that ended it. */
  readonly exitCode: number;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (no such file, not executable). */
  readonly startError?: string;
}

export interface ContainerProcess {
  readonly pid: number | undefined;
  readonly exited: Promise<Exit>;
  /** Signals every process of the group; false when none is left. */
  signal(signal: NodeJS.Signals): boolean;
}

export interface ProcessSpec {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly logFile: string;
}

export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** A process that never started: the container ends at once with the kubelet's StartError code. */
const notStarted = (message: string): ContainerProcess => ({ pid: undefined, exited: Promise.resolve({ exitCode: 128, signal: null, startError: message }), signal: () => false });

export function startProcess(spec: ProcessSpec): ContainerProcess {
  let log: number;
  try {
    log = openSync(spec.logFile, 'a');
  } catch (error) {
    return notStarted(`cannot open the log file ${spec.logFile}: ${(error as Error).message}`);
  }
  try {
    // detached: setsid(), so the child leads a new process group and no terminal signal reaches it.
    const child = spawn(spec.file, [...spec.args], { cwd: spec.cwd, env: spec.env, detached: true, stdio: ['ignore', log, log] });
    const exited = new Promise<Exit>((resolve) => {
      child.once('error', (error) => {
        if (child.pid === undefined) resolve({ exitCode: 128, signal: null, startError: `exec: "${spec.file}": ${(error as NodeJS.ErrnoException).code ?? error.message}` });
      });
      child.once('exit', (code, signal) => {
        // The leader is gone; what it left behind in its group goes too, as with a container's cgroup.
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
        resolve({ exitCode: code ?? 128 + (signal ? constants.signals[signal] : 0), signal });
      });
    });
    return {
      pid: child.pid,
      exited,
      signal: (signal) => (child.pid === undefined ? false : signalGroup(child.pid, signal)),
    };
  } catch (error) {
    return notStarted(`exec: "${spec.file}": ${(error as Error).message}`);
  } finally {
    closeSync(log); // the child holds its own copy
  }
}
