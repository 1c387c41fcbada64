// A pod's status from its containers' states, as a kubelet derives it: the phase (Pending, Running,
// Succeeded, Failed), the conditions (PodScheduled, PodReadyToStartContainers, Initialized,
// ContainersReady, Ready) with their transition times, and the IPs. Everything is plain JSON with
// RFC 3339 times, sent as a strategic merge patch of pods/status.

export const rfc3339 = (at = new Date()) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export type State =
  | { readonly waiting: { readonly reason: string; readonly message?: string } }
  | { readonly running: { readonly startedAt: string } }
  | {
      readonly terminated: {
        readonly exitCode: number;
        readonly signal?: number;
        readonly reason: string;
        readonly message?: string;
        readonly startedAt?: string;
        readonly finishedAt: string;
        readonly containerID?: string;
      };
    };

export interface ContainerReport {
  readonly name: string;
  readonly image: string;
  readonly imageID: string;
  readonly containerID?: string;
  readonly state: State;
  readonly lastState: State | Record<string, never>;
  readonly ready: boolean;
  readonly started: boolean;
  readonly restartCount: number;
}

export type Phase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

/** The kubelet's getPhase: a waiting container that has run before counts as stopped (restarting). */
export function phaseOf(containers: readonly ContainerReport[], restartPolicy: string, terminating: boolean): Phase {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const { state, lastState } of containers) {
    if ('running' in state) running++;
    else if ('terminated' in state) {
      stopped++;
      if (state.terminated.exitCode === 0) succeeded++;
    } else if ('terminated' in lastState) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped === 0) return 'Pending';
  if (terminating || restartPolicy === 'Never') return stopped === succeeded ? 'Succeeded' : 'Failed';
  if (restartPolicy === 'OnFailure') return stopped === succeeded ? 'Succeeded' : 'Running';
  return 'Running';
}

interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False';
  readonly reason?: string;
  readonly message?: string;
  readonly lastProbeTime: null;
  readonly lastTransitionTime: string;
}

/** Remembers when each condition last changed, so a status that repeats keeps its transition times. */
export class ConditionClock {
  private readonly seen = new Map<string, { status: string; at: string }>();

  condition(type: string, isTrue: boolean, reason?: string, message?: string): Condition {
    const status = isTrue ? 'True' : 'False';
    const previous = this.seen.get(type);
    const at = previous?.status === status ? previous.at : rfc3339();
    this.seen.set(type, { status, at });
    return { type, status, ...(reason ? { reason } : {}), ...(message ? { message } : {}), lastProbeTime: null, lastTransitionTime: at };
  }
}

export interface PodStatusInput {
  readonly containers: readonly ContainerReport[];
  readonly restartPolicy: string;
  readonly terminating: boolean;
  readonly startTime: string;
  readonly ip: string;
  readonly clock: ConditionClock;
  /** Why the node ended the pod (its shutdown, activeDeadlineSeconds): the pod Failed with that reason. */
  readonly verdict?: { readonly reason: string; readonly message: string };
}

export function podStatus({ containers, restartPolicy, terminating, startTime, ip, clock, verdict }: PodStatusInput) {
  const phase = verdict ? 'Failed' : phaseOf(containers, restartPolicy, terminating);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  const unready = containers.filter((c) => !c.ready).map((c) => c.name);
  const ready = unready.length === 0 && !terminal;
  const notReadyReason = terminal ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMessage = terminal ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  return {
    phase,
    ...(verdict ?? {}),
    conditions: [
      clock.condition('PodReadyToStartContainers', !terminal),
      clock.condition('Initialized', true),
      ready ? clock.condition('ContainersReady', true) : clock.condition('ContainersReady', false, notReadyReason, notReadyMessage),
      ready ? clock.condition('Ready', true) : clock.condition('Ready', false, notReadyReason, notReadyMessage),
      clock.condition('PodScheduled', true),
    ],
    hostIP: ip,
    hostIPs: [{ ip }],
    podIP: ip,
    podIPs: [{ ip }],
    startTime,
    containerStatuses: containers,
  };
}
