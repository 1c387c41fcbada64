// One pod bound to the process node, from its first sight to its removal: files and ports, the
// annotations that say where they are, a ContainerRunner per container, the pod's status written after
// every change, and, once the pod is deleted, its containers stopped within the grace period and the
// pod object removed for good (gracePeriodSeconds 0), as a kubelet does once its containers are gone.
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../shared/logger.ts';
import { type Backoff, ContainerRunner, type Prepared } from './container.ts';
import { type ObjectReader, expand, resolveEnv } from './env.ts';
import { ContainerStartError, executableFor } from './images.ts';
import { type Kube, isNotFound, mergePatch, statusOf, within } from './kube.ts';
import type { MemorySampler } from './memory.ts';
import { LOG_ANNOTATION, PORT_ANNOTATION, logFileOf, pidFileOf, podDir } from './pod-files.ts';
import type { PortAllocator } from './ports.ts';
import { parseQuantity } from './quantity.ts';
import { ConditionClock, podStatus, rfc3339 } from './status.ts';
import { StatusWriter } from './status-writer.ts';

export interface PodDeps {
  readonly kube: Kube;
  readonly stateDir: string;
  readonly ip: string;
  readonly ports: PortAllocator;
  readonly memory: MemorySampler;
  readonly reader: ObjectReader;
  readonly backoff: Backoff;
  readonly capacity: { cpu: number; memoryBytes: number };
  readonly logger: Logger;
}

/** Why the node ended a pod that did not end by itself: the pod's status.reason and message. */
interface Verdict {
  readonly reason: string;
  readonly message: string;
}
const SHUTDOWN: Verdict = { reason: 'Terminated', message: 'Pod was terminated in response to imminent node shutdown.' };
const DEADLINE: Verdict = { reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' };
/** How long a pod that ends waits for its last status to be written. */
const FLUSH_MS = 15_000;
/** setTimeout's longest delay; a longer activeDeadlineSeconds is waited for in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
const isTerminal = (pod: V1Pod) => pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class PodWorker {
  private pod: V1Pod;
  private readonly deps: PodDeps;
  private readonly ref: { namespace: string; name: string; uid: string };
  private readonly writer: StatusWriter;
  private readonly clock = new ConditionClock();
  private readonly runners: ContainerRunner[] = [];
  private readonly ports: number[] = [];
  private readonly startTime = rfc3339();
  private readonly prelude: Promise<void>;
  private ending: Promise<void> | undefined;
  private removal: Promise<void> | undefined;
  private verdict: Verdict | undefined;
  private deadline: NodeJS.Timeout | undefined;

  constructor(pod: V1Pod, deps: PodDeps) {
    this.pod = pod;
    this.deps = deps;
    this.ref = { namespace: pod.metadata!.namespace!, name: pod.metadata!.name!, uid: pod.metadata!.uid! };
    this.writer = new StatusWriter(deps.kube, this.ref, deps.logger);
    this.prelude = isTerminal(pod) ? Promise.resolve() : this.begin().catch((error) => deps.logger.error({ err: error, pod: this.name }, 'the pod could not be set up'));
    this.update(pod);
  }

  get name(): string {
    return `${this.ref.namespace}/${this.ref.name}`;
  }

  processes(): { namespace: string; pod: string; container: string; pid: number }[] {
    const { namespace, name } = this.ref;
    return this.runners.flatMap((r, i) => (r.pid ? [{ namespace, pod: name, container: this.spec.containers[i]!.name, pid: r.pid }] : []));
  }

  /** The pod as the API server has it now; deletion starts the end. */
  update(pod: V1Pod): void {
    this.pod = pod;
    if (pod.metadata?.deletionTimestamp) void this.end({ graceMs: this.graceMs(), remove: true });
  }

  /** The pod object is gone already (forced deletion): stop its processes, report nothing. */
  async forget(): Promise<void> {
    this.writer.close();
    await this.end({ graceMs: this.graceMs(), remove: false });
    await this.cleanUp();
  }

  /** The node shuts down: stop within the cap, and report the pod Failed as a kubelet's graceful shutdown does. */
  stopForShutdown(capMs: number): Promise<void> {
    return this.end({ graceMs: Math.min(this.graceMs(), capMs), remove: false, ...(isTerminal(this.pod) ? {} : { verdict: SHUTDOWN }) });
  }

  private get spec() {
    return this.pod.spec!;
  }

  private graceMs(): number {
    return (this.pod.metadata?.deletionGracePeriodSeconds ?? this.spec.terminationGracePeriodSeconds ?? 30) * 1000;
  }

  private async begin(): Promise<void> {
    const dir = podDir(this.deps.stateDir, this.ref);
    await mkdir(join(dir, 'work'), { recursive: true });
    await mkdir(join(dir, 'tmp'), { recursive: true });
    while (this.ports.length < this.spec.containers.length) this.ports.push(await this.deps.ports.allocate());
    const firstLog = logFileOf(dir, this.spec.containers[0]!.name);
    await this.deps.kube.core
      .patchNamespacedPod(
        { namespace: this.ref.namespace, name: this.ref.name, body: { metadata: { annotations: { [PORT_ANNOTATION]: String(this.ports[0]), [LOG_ANNOTATION]: firstLog } } } },
        mergePatch(),
      )
      .catch((error) => this.deps.logger.warn({ err: error, pod: this.name }, 'could not annotate the pod with its port and log'));
    if (this.ending) return;
    this.spec.containers.forEach((container, i) => {
      const memoryLimit = container.resources?.limits?.memory;
      this.runners.push(
        new ContainerRunner({
          spec: container,
          podRef: `${this.ref.name}_${this.ref.namespace}(${this.ref.uid})`,
          restartPolicy: this.spec.restartPolicy ?? 'Always',
          port: this.ports[i]!,
          logFile: logFileOf(dir, container.name),
          pidFile: pidFileOf(dir, container.name),
          cwd: join(dir, 'work'),
          memoryLimitBytes: memoryLimit ? parseQuantity(memoryLimit) : undefined,
          memory: this.deps.memory,
          backoff: this.deps.backoff,
          graceMs: this.graceMs(),
          prepare: () => this.prepare(container, this.ports[i]!, dir),
          onChange: () => this.report(),
        }),
      );
    });
    this.report();
    void Promise.all(this.runners.map((r) => r.done)).then(() => this.releasePorts());
    const activeSeconds = this.spec.activeDeadlineSeconds;
    if (activeSeconds !== undefined) {
      const since = this.pod.status?.startTime ? new Date(this.pod.status.startTime).getTime() : Date.now();
      this.endAt(since + activeSeconds * 1000);
    }
  }

  /** activeDeadlineSeconds: the pod ends, Failed, at this time. */
  private endAt(deadline: number): void {
    const waitMs = deadline - Date.now();
    this.deadline = setTimeout(
      () => (waitMs > LONGEST_TIMER_MS ? this.endAt(deadline) : void this.end({ graceMs: this.graceMs(), remove: false, verdict: DEADLINE })),
      Math.min(waitMs, LONGEST_TIMER_MS),
    );
  }

  /** The container's process and environment, resolved as a kubelet does before each start. */
  private async prepare(container: V1Container, port: number, dir: string): Promise<Prepared> {
    if (this.spec.initContainers?.length) throw new ContainerStartError('CreateContainerError', 'init containers are not supported by the process node');
    executableFor(container); // an image that cannot be pulled is reported before any configuration problem
    const env = await resolveEnv({
      pod: this.pod,
      container,
      reader: this.deps.reader,
      podIP: this.deps.ip,
      capacity: this.deps.capacity,
      base: {
        PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'}`,
        HOME: process.env.HOME ?? '/',
        HOSTNAME: this.ref.name,
        TMPDIR: join(dir, 'tmp'),
        HOST: this.deps.ip,
        ...(container.command || container.args ? {} : { NODE_ENV: 'production' }),
      },
    });
    // Every container listens on a port of its own, whatever PORT its manifest gives.
    env.PORT = String(port);
    const expandAll = (items: string[] | undefined) => items?.map((item) => expand(item, (name) => env[name]));
    const executable = executableFor({ image: container.image, command: expandAll(container.command), args: expandAll(container.args) });
    return { executable, env };
  }

  private report(): void {
    if (this.runners.length === 0) return;
    this.writer.write(
      podStatus({
        containers: this.runners.map((r) => r.report()),
        restartPolicy: this.spec.restartPolicy ?? 'Always',
        terminating: this.ending !== undefined,
        startTime: this.startTime,
        ip: this.deps.ip,
        clock: this.clock,
        ...(this.verdict ? { verdict: this.verdict } : {}),
      }),
    );
  }

  private releasePorts(): void {
    for (const port of this.ports.splice(0)) this.deps.ports.release(port);
  }

  /** Stops the containers (once), writes the last status; with `remove`, then removes the pod object. */
  private end(how: { graceMs: number; remove: boolean; verdict?: Verdict }): Promise<void> {
    if (!this.ending) this.verdict = how.verdict;
    this.ending ??= (async () => {
      clearTimeout(this.deadline);
      await this.prelude;
      await Promise.all(this.runners.map((r) => r.stop(how.graceMs)));
      this.releasePorts();
      this.report();
      await this.writer.flush(FLUSH_MS);
      this.writer.close();
    })();
    if (!how.remove) return this.ending;
    this.removal ??= this.ending.then(() => this.remove()).then(() => this.cleanUp());
    return this.removal;
  }

  /** A removed pod's working and temporary files go, as its emptyDir volumes would; its logs stay. */
  private async cleanUp(): Promise<void> {
    const dir = podDir(this.deps.stateDir, this.ref);
    await Promise.all(['work', 'tmp'].map((sub) => rm(join(dir, sub), { recursive: true, force: true }))).catch(() => undefined);
  }

  /** The containers are gone: the pod object goes too, unless a pod of the same name replaced it. */
  private async remove(): Promise<void> {
    try {
      // With a body the API server reads the options from it alone, so the grace period goes there.
      const { namespace, name, uid } = this.ref;
      await this.deps.kube.core.deleteNamespacedPod({ namespace, name, body: { gracePeriodSeconds: 0, preconditions: { uid } } }, within());
    } catch (error) {
      if (!isNotFound(error) && statusOf(error) !== 409) this.deps.logger.warn({ err: error, pod: this.name }, 'could not remove the deleted pod');
    }
  }
}
