// Memory limits without cgroups: one sampler for the whole node reads the resident set size of every
// process group it watches from /proc (Linux) every 200 ms, and tells a container's owner when its group
// goes over the limit; the owner SIGKILLs it and reports OOMKilled, as the kernel's OOM killer would.
// A sample's cost is one read of /proc/<pid>/stat per process on the machine, and only while some
// container with a limit runs.
import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

export const SAMPLE_EVERY_MS = 200;

interface Watched {
  readonly limitBytes: number;
  readonly onExceeded: (rssBytes: number) => void;
}

let pageSize: number | undefined;
function bytesPerPage(): number {
  if (pageSize === undefined) {
    try {
      pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8', timeout: 2000 }).trim()) || 4096;
    } catch {
      pageSize = 4096;
    }
  }
  return pageSize;
}

/** Resident bytes per process group, over every process that can be read now. */
export function residentBytesByGroup(groups: ReadonlySet<number>): Map<number, number> {
  const totals = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it exited while we looked
    }
    // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp … rss is the 22nd.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const group = Number(fields[2]);
    if (!groups.has(group)) continue;
    totals.set(group, (totals.get(group) ?? 0) + Number(fields[21]) * bytesPerPage());
  }
  return totals;
}

export class MemorySampler {
  private readonly watched = new Map<number, Watched>();
  private timer: NodeJS.Timeout | undefined;

  /** Watches a process group (its leader's pid) until the returned function is called. */
  watch(group: number, limitBytes: number, onExceeded: (rssBytes: number) => void): () => void {
    this.watched.set(group, { limitBytes, onExceeded });
    this.timer ??= setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    return () => {
      this.watched.delete(group);
      if (this.watched.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private sample(): void {
    const totals = residentBytesByGroup(new Set(this.watched.keys()));
    for (const [group, watched] of this.watched) {
      const rss = totals.get(group) ?? 0;
      if (rss > watched.limitBytes) {
        this.watched.delete(group);
        watched.onExceeded(rss);
      }
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.watched.clear();
  }
}
