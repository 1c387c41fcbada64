// The process node against a real control plane (kube-apiserver, kube-controller-manager, kube-scheduler):
// it registers a Ready node that keeps its Lease, the real scheduler binds pods to it, and it runs them as
// processes: a function bundle from its image, Ready through its probe and answering on its port; env from
// Secrets, ConfigMaps and the downward API; a Job to Complete; OOMKilled over a memory limit; SIGTERM and
// removal on deletion; ErrImagePull and CreateContainerConfigError; restarts; `streamforge logs`; and
// nothing left running after stop().
import { execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { BatchV1Api, CoordinationV1Api, CoreV1Api, KubeConfig, type V1Container, type V1Pod, type V1PodSpec } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podFailure } from '../../functions/orchestrator/launcher.ts';
import { buildBundles } from '../../platform/build.ts';
import { type ProcessNode, startProcessNode } from '../../platform/node/index.ts';
import { LOG_ANNOTATION, PORT_ANNOTATION } from '../../platform/node/pod-files.ts';
import { tempDir, until } from '../helpers.ts';

const kubeConfig = new KubeConfig();
const suffix = randomUUID().slice(0, 8);
const namespace = `node-${suffix}`;
const nodeName = `process-node-${suffix}`;
const root = new URL('../../', import.meta.url).pathname;
let core: CoreV1Api;
let node: ProcessNode;

const read = (name: string) => core.readNamespacedPod({ name, namespace });
const containerOf = (pod: V1Pod) => pod.status?.containerStatuses?.[0];
const isReady = (pod: V1Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
/** The process has exited: no such pid, or a zombie its (new) parent has not reaped yet. */
const gone = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
};

async function createPod(name: string, container: Partial<V1Container>, spec: Partial<V1PodSpec> = {}): Promise<V1Pod> {
  return core.createNamespacedPod({
    namespace,
    body: { metadata: { name, labels: { app: name } }, spec: { restartPolicy: 'Never', ...spec, containers: [{ name: 'main', image: 'streamforge/dummy:0.1.0', ...container }] } },
  });
}

/** Polls the pod until `check` holds, and returns it. */
async function waitFor(name: string, what: string, check: (pod: V1Pod) => boolean, timeoutMs = 30_000): Promise<V1Pod> {
  let pod: V1Pod | undefined;
  await until(`pod ${name} ${what} (last: ${JSON.stringify(pod?.status?.containerStatuses?.[0]?.state)})`, async () => check((pod = await read(name))), timeoutMs);
  return pod!;
}

const nodeScript = (code: string) => ({ command: ['node', '-e', code] });

function streamforge(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [`${root}bin/streamforge.ts`, ...args], { cwd: root, timeout: 30_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('process node on a real control plane', () => {
  beforeAll(async () => {
    await buildBundles();
    kubeConfig.loadFromDefault();
    core = kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    // Pods are refused until the controller-manager has made the namespace's default ServiceAccount.
    await until(
      'the default ServiceAccount',
      () =>
        core.readNamespacedServiceAccount({ name: 'default', namespace }).then(
          () => true,
          () => false,
        ),
      30_000,
    );
    node = await startProcessNode({
      name: nodeName,
      kubeconfig: kubeConfig,
      stateDir: await tempDir('sf-node-'),
      leaseRenewMs: 500,
      statusEveryMs: 2000,
      backoff: { initialMs: 300, maxMs: 2000 },
      shutdownGraceMs: 5000,
    });
  });

  afterAll(async () => {
    await node?.stop();
    await core?.deleteNamespace({ name: namespace }).catch(() => undefined);
    await core?.deleteNode({ name: nodeName }).catch(() => undefined);
  });

  it('registers a Ready node with the machine’s capacity and keeps its Lease renewed', async () => {
    const registered = await core.readNode({ name: nodeName });
    expect(registered.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    for (const pressure of ['MemoryPressure', 'DiskPressure', 'PIDPressure']) expect(registered.status?.conditions?.find((c) => c.type === pressure)?.status).toBe('False');
    expect(registered.status?.capacity).toMatchObject({ cpu: String(availableParallelism()), pods: '110' });
    expect(registered.status?.allocatable?.memory).toMatch(/^\d+Ki$/);
    expect(registered.status?.addresses).toContainEqual({ type: 'InternalIP', address: '127.0.0.1' });
    expect(registered.metadata?.labels).toMatchObject({ 'kubernetes.io/os': 'linux', 'kubernetes.io/hostname': nodeName });
    expect(registered.spec?.taints ?? []).toEqual([]);
    const coordination = kubeConfig.makeApiClient(CoordinationV1Api);
    const lease = async () => (await coordination.readNamespacedLease({ name: nodeName, namespace: 'kube-node-lease' })).spec!;
    // client-node types a MicroTime as a Date but hands over the API server's string.
    const renewedAt = (spec: { renewTime?: unknown }) => Date.parse(String(spec.renewTime));
    const first = await lease();
    expect(first).toMatchObject({ holderIdentity: nodeName, leaseDurationSeconds: 40 });
    expect(Date.now() - renewedAt(first)).toBeLessThan(5000);
    await until('the Lease to be renewed', async () => renewedAt(await lease()) > renewedAt(first), 5000);
  });

  it('runs a function bundle from its image: scheduled onto the node, Running, Ready through its probe, answering on its port', async () => {
    const created = Date.now();
    await createPod(
      'exchange-sim',
      {
        image: 'streamforge/exchange-sim:0.1.0',
        ports: [{ name: 'http', containerPort: 8080 }],
        env: [{ name: 'PORT', value: '8080' }],
        readinessProbe: { httpGet: { path: '/readyz', port: 'http' }, periodSeconds: 5 },
        livenessProbe: { httpGet: { path: '/livez', port: 8080 }, periodSeconds: 5 },
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      },
      { restartPolicy: 'Always' },
    );
    const running = await waitFor('exchange-sim', 'Running', (p) => p.status?.phase === 'Running');
    const runningMs = Date.now() - created;
    const ready = await waitFor('exchange-sim', 'Ready', isReady);
    console.log(`exchange-sim pod: Running ${runningMs} ms and Ready ${Date.now() - created} ms after it was created`);
    expect(running.spec?.nodeName).toBe(nodeName);
    expect(ready.status).toMatchObject({ podIP: '127.0.0.1', hostIP: '127.0.0.1' });
    expect(containerOf(ready)).toMatchObject({ ready: true, restartCount: 0, started: true });
    expect(containerOf(ready)?.state?.running?.startedAt).toBeInstanceOf(Date);
    const port = Number(ready.metadata?.annotations?.[PORT_ANNOTATION]);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(8080);
    const ping = await fetch(`http://127.0.0.1:${port}/api/v3/ping`);
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({});
    const log = await readFile(ready.metadata!.annotations![LOG_ANNOTATION]!, 'utf8');
    expect(log).toContain('exchange-sim ready');
  });

  it('gives a process its env from a Secret, a ConfigMap and the downward API, a port of its own, and `streamforge logs` prints its output', async () => {
    await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'creds' }, stringData: { password: 's3cret', token: 'abc' } } });
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'settings' }, data: { LOG_LEVEL: 'debug', REGION: 'eu' } } });
    const show =
      'console.log(JSON.stringify(Object.fromEntries(["PASSWORD","LOG_LEVEL","CFG_REGION","SECRET_token","POD","NS","UID","NODE","IP","APP","PORT","HOST","GREETING"].map((k) => [k, process.env[k]]))))';
    await createPod('env', {
      ...nodeScript(show),
      ports: [{ containerPort: 8080 }],
      envFrom: [
        { configMapRef: { name: 'settings' }, prefix: 'CFG_' },
        { secretRef: { name: 'creds' }, prefix: 'SECRET_' },
      ],
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
        { name: 'LOG_LEVEL', valueFrom: { configMapKeyRef: { name: 'settings', key: 'LOG_LEVEL' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'GREETING', value: 'hello $(POD) in $(CFG_REGION)' },
      ],
    });
    const done = await waitFor('env', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    expect(containerOf(done)?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    const logs = await streamforge(['logs', 'env', '-n', namespace]);
    expect(logs.stderr).toBe('');
    expect(logs.code).toBe(0);
    const env = JSON.parse(logs.stdout);
    expect(env).toMatchObject({
      PASSWORD: 's3cret',
      LOG_LEVEL: 'debug',
      CFG_REGION: 'eu',
      SECRET_token: 'abc',
      POD: 'env',
      NS: namespace,
      UID: done.metadata!.uid,
      NODE: nodeName,
      IP: '127.0.0.1',
      APP: 'env',
      HOST: '127.0.0.1',
      GREETING: 'hello env in eu',
    });
    expect(env.PORT).toBe(done.metadata!.annotations![PORT_ANNOTATION]);
    expect(env.PORT).not.toBe('8080');
    const sim = await read('exchange-sim');
    expect(env.PORT).not.toBe(sim.metadata!.annotations![PORT_ANNOTATION]);
  });

  it('runs the pod of a Job that kube-controller-manager creates, and the Job completes', async () => {
    const batch = kubeConfig.makeApiClient(BatchV1Api);
    await batch.createNamespacedJob({
      namespace,
      body: {
        metadata: { name: 'short' },
        spec: {
          backoffLimit: 0,
          template: {
            spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'streamforge/loader:0.1.0', ...nodeScript("setTimeout(() => console.log('job done'), 200)") }] },
          },
        },
      },
    });
    let conditions: string[] = [];
    await until(
      'the Job to complete',
      async () => {
        const job = await batch.readNamespacedJob({ name: 'short', namespace });
        conditions = (job.status?.conditions ?? []).filter((c) => c.status === 'True').map((c) => c.type);
        return conditions.includes('Complete') || conditions.includes('Failed');
      },
      60_000,
    );
    expect(conditions).toContain('Complete');
    const [pod] = (await core.listNamespacedPod({ namespace, labelSelector: 'job-name=short' })).items;
    expect(pod?.status?.phase).toBe('Succeeded');
    expect(pod?.spec?.nodeName).toBe(nodeName);
    expect(await readFile(pod!.metadata!.annotations![LOG_ANNOTATION]!, 'utf8')).toBe('job done\n');
  });

  it('kills a container that goes over its memory limit: terminated OOMKilled, exit code 137, pod Failed', async () => {
    await createPod('hungry', {
      ...nodeScript('const kept = []; for (let i = 0; i < 200; i++) kept.push(Buffer.alloc(1 << 20, 1)); setTimeout(() => {}, 60_000)'),
      resources: { limits: { memory: '64Mi' } },
    });
    const failed = await waitFor('hungry', 'Failed', (p) => p.status?.phase === 'Failed');
    expect(containerOf(failed)?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
    expect(podFailure(failed)?.reason).toBe('OOMKilled: container main went over its memory limit (exit code 137)');
  });

  it('on deletion sends SIGTERM, kills what ignores it after the grace period, and removes the pod', async () => {
    const polite = "process.on('SIGTERM', () => { console.log('got SIGTERM'); setTimeout(() => process.exit(0), 200); }); console.log('up'); setInterval(() => {}, 1000)";
    const stubborn = "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000)";
    await createPod('polite', nodeScript(polite), { terminationGracePeriodSeconds: 10 });
    await createPod('stubborn', nodeScript(stubborn), { terminationGracePeriodSeconds: 2 });
    const pids: Record<string, number> = {};
    const logs: Record<string, string> = {};
    for (const name of ['polite', 'stubborn']) {
      const pod = await waitFor(name, 'Running', (p) => p.status?.phase === 'Running');
      logs[name] = pod.metadata!.annotations![LOG_ANNOTATION]!;
      await until(`${name} to start listening for SIGTERM`, async () => (await readFile(logs[name]!, 'utf8')).includes('up'));
      pids[name] = node.processes().find((p) => p.namespace === namespace && p.pod === name)!.pid;
    }
    const started = Date.now();
    await Promise.all(['polite', 'stubborn'].map((name) => core.deleteNamespacedPod({ name, namespace })));
    const removedAfter: Record<string, number> = {};
    await until(
      'both pods to be removed',
      async () => {
        for (const name of ['polite', 'stubborn'])
          if (
            removedAfter[name] === undefined &&
            (await read(name).then(
              () => false,
              () => true,
            ))
          )
            removedAfter[name] = Date.now() - started;
        return Object.keys(removedAfter).length === 2;
      },
      15_000,
    );
    expect(removedAfter.polite).toBeLessThan(2000);
    expect(removedAfter.stubborn).toBeGreaterThanOrEqual(2000);
    expect(removedAfter.stubborn).toBeLessThan(5000);
    expect(gone(pids.polite!) && gone(pids.stubborn!)).toBe(true);
    expect(await readFile(logs.polite!, 'utf8')).toContain('got SIGTERM');
    expect(await readFile(logs.stubborn!, 'utf8')).toContain('ignoring SIGTERM');
  });

  it('reports an image that maps to no bundle as ErrImagePull, a missing Secret or key as CreateContainerConfigError, a missing command as StartError', async () => {
    await createPod('nginx', { image: 'docker.io/library/nginx:1.27' });
    const unpulled = await waitFor('nginx', 'waiting on its image', (p) => containerOf(p)?.state?.waiting?.reason === 'ErrImagePull');
    expect(unpulled.status?.phase).toBe('Pending');
    expect(containerOf(unpulled)?.state?.waiting?.message).toMatch(/^image "docker.io\/library\/nginx:1.27" is not a StreamForge function/);
    expect(podFailure(unpulled)).toMatchObject({ cannotStart: true });
    await createPod('unconfigured', {
      image: 'streamforge/exchange-sim:0.1.0',
      env: [
        { name: 'A', valueFrom: { secretKeyRef: { name: 'absent', key: 'password' } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'absent-but-optional', key: 'password', optional: true } } },
      ],
    });
    const unconfigured = await waitFor('unconfigured', 'waiting on its configuration', (p) => containerOf(p)?.state?.waiting?.reason === 'CreateContainerConfigError');
    expect(containerOf(unconfigured)?.state?.waiting?.message).toBe('secret "absent" not found');
    await createPod('missing-key', { image: 'streamforge/exchange-sim:0.1.0', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'NOPE' } } }] });
    const missingKey = await waitFor('missing-key', 'waiting on its configuration', (p) => containerOf(p)?.state?.waiting?.reason === 'CreateContainerConfigError');
    expect(containerOf(missingKey)?.state?.waiting?.message).toBe(`couldn't find key NOPE in ConfigMap ${namespace}/settings`);
    await createPod('no-such-command', { command: ['no-such-command', '--flag'] });
    const unstarted = await waitFor('no-such-command', 'Failed', (p) => p.status?.phase === 'Failed');
    expect(containerOf(unstarted)?.state?.terminated).toMatchObject({ exitCode: 128, reason: 'StartError', message: 'exec: "no-such-command": ENOENT' });
    await createPod('initialized', nodeScript('0'), { initContainers: [{ name: 'init', image: 'streamforge/dummy:0.1.0', ...nodeScript('0') }] });
    const initialized = await waitFor('initialized', 'refused', (p) => containerOf(p)?.state?.waiting?.reason === 'CreateContainerError');
    expect(containerOf(initialized)?.state?.waiting?.message).toBe('init containers are not supported by the process node');
  });

  it('ends a pod that outlives its activeDeadlineSeconds: Failed, DeadlineExceeded', async () => {
    await createPod('overdue', nodeScript('setInterval(() => {}, 1000)'), { activeDeadlineSeconds: 1, terminationGracePeriodSeconds: 1 });
    const failed = await waitFor('overdue', 'Failed', (p) => p.status?.phase === 'Failed', 10_000);
    expect(failed.status).toMatchObject({ reason: 'DeadlineExceeded', message: 'Pod was active on the node longer than the specified deadline' });
    expect(containerOf(failed)?.state?.terminated?.exitCode).toBe(143);
  });

  it('restarts a failing container under OnFailure with a back-off, counting restarts, until it succeeds', async () => {
    // Fails on its first two runs (a counter in its working directory, which outlives restarts), then succeeds.
    const flaky =
      "const fs = require('node:fs'); const n = fs.existsSync('runs') ? Number(fs.readFileSync('runs', 'utf8')) : 0; fs.writeFileSync('runs', String(n + 1)); console.log('run', n); process.exit(n < 2 ? 3 : 0)";
    await createPod('flaky', nodeScript(flaky), { restartPolicy: 'OnFailure' });
    const backingOff = await waitFor('flaky', 'backing off', (p) => containerOf(p)?.state?.waiting?.reason === 'CrashLoopBackOff');
    expect(backingOff.status?.phase).toBe('Running');
    expect(containerOf(backingOff)?.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    const done = await waitFor('flaky', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    expect(containerOf(done)).toMatchObject({ restartCount: 2, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
  });

  it('restarts a container whose liveness probe fails (restartPolicy Always)', async () => {
    await createPod(
      'unhealthy',
      {
        image: 'streamforge/exchange-sim:0.1.0',
        ports: [{ name: 'http', containerPort: 8080 }],
        livenessProbe: { httpGet: { path: '/no-such-path', port: 'http' }, periodSeconds: 1, failureThreshold: 2 },
      },
      { restartPolicy: 'Always', terminationGracePeriodSeconds: 2 },
    );
    const restarted = await waitFor('unhealthy', 'restarted', (p) => (containerOf(p)?.restartCount ?? 0) >= 1);
    expect(containerOf(restarted)?.lastState?.terminated?.message).toBe('Container main failed liveness probe, will be restarted');
  });

  it('stops every pod on stop(): no process is left, the pods are Failed by the shutdown, the node NotReady', async () => {
    await createPod('long', nodeScript('setInterval(() => {}, 1000)'));
    await waitFor('long', 'Running', (p) => p.status?.phase === 'Running');
    const before = node.processes();
    expect(before.map((p) => p.pod)).toEqual(expect.arrayContaining(['exchange-sim', 'long']));
    await node.stop();
    expect(node.processes()).toEqual([]);
    for (const { pid } of before) expect(gone(pid)).toBe(true);
    const long = await read('long');
    expect(long.status).toMatchObject({ phase: 'Failed', reason: 'Terminated', message: 'Pod was terminated in response to imminent node shutdown.' });
    const stopped = await core.readNode({ name: nodeName });
    expect(stopped.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('False');
  });

  it('`streamforge node` runs pods; a node started after it was SIGKILLed kills what it left running and runs the pod again', async () => {
    const name = `cli-${nodeName}`;
    const stateDir = await tempDir('sf-node-cli-');
    const cli = spawn(process.execPath, [`${root}bin/streamforge.ts`, 'node', '--name', name, '--state-dir', stateDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    cli.stdout.on('data', (chunk) => (output += chunk));
    cli.stderr.on('data', (chunk) => (output += chunk));
    try {
      await until('the CLI node to be Ready', () => output.includes(`process node ${name} is Ready`), 20_000);
      // Bound to this node by name: the scheduler has the test's own node to choose too.
      await createPod('orphaned', nodeScript('setInterval(() => {}, 1000)'), { nodeName: name, restartPolicy: 'Always' });
      const running = await waitFor('orphaned', 'Running', (p) => p.status?.phase === 'Running');
      const pid = Number(running.status!.containerStatuses![0]!.containerID!.replace('process://', ''));
      expect(gone(pid)).toBe(false);
      cli.kill('SIGKILL');
      await until('the CLI node to die', () => cli.exitCode !== null || cli.signalCode !== null);
      expect(gone(pid)).toBe(false); // what a crashed node leaves behind
      const again = await startProcessNode({ name, kubeconfig: kubeConfig, stateDir, deleteOnStop: true });
      try {
        await until('the orphan to be killed', () => gone(pid), 2000);
        await until('the pod to run again', () => again.processes().some((p) => p.pod === 'orphaned' && p.pid !== pid), 10_000);
      } finally {
        await again.stop();
      }
      await expect(core.readNode({ name })).rejects.toMatchObject({ code: 404 });
    } finally {
      cli.kill('SIGKILL');
    }
  });
});
