// Processes that a node which died (SIGKILL, a crash) left behind: each running container's process
// group and start time are recorded in <pod dir>/<container>.pid, and a node starting on the same state
// dir kills the groups that still run, before it starts any pod again. The start time makes sure a pid
// the system has since given to another process is never signalled.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signalGroup } from './process.ts';

/** When the process started, in clock ticks since boot (/proc/<pid>/stat, field 22); undefined if it is gone. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Best effort: a pid file that cannot be written only costs the clean-up after a crash. */
export function recordPid(file: string, pid: number): void {
  try {
    writeFileSync(file, `${pid} ${startTimeOf(pid) ?? ''}\n`);
  } catch {}
}

export function forgetPid(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {}
}

/** Kills the process groups recorded under the state dir that still run; returns how many. */
export function killLeftovers(stateDir: string): number {
  let killed = 0;
  let pods: string[];
  try {
    pods = readdirSync(join(stateDir, 'pods'));
  } catch {
    return 0;
  }
  for (const pod of pods) {
    let files: string[];
    try {
      files = readdirSync(join(stateDir, 'pods', pod)).filter((f) => f.endsWith('.pid'));
    } catch {
      continue;
    }
    for (const file of files) {
      const path = join(stateDir, 'pods', pod, file);
      const [pid, startTime] = readFileSync(path, 'utf8').trim().split(' ');
      if (pid && startTime && startTimeOf(Number(pid)) === startTime && signalGroup(Number(pid), 'SIGKILL')) killed++;
      forgetPid(path);
    }
  }
  return killed;
}
