// The process node's rules that need no cluster: which image runs which bundle, Kubernetes quantities,
// $(VAR) expansion, and the pod phase a kubelet derives from its containers.
import { describe, expect, it } from 'vitest';
import { expand } from './env.ts';
import { ContainerStartError, bundleDir, executableFor, functionOfImage } from './images.ts';
import { parseQuantity } from './quantity.ts';
import { type ContainerReport, phaseOf } from './status.ts';

describe('image → bundle', () => {
  it('takes the function from the last path segment, whatever the registry, tag or digest', () => {
    expect(functionOfImage('streamforge/loader:0.1.0')).toBe('loader');
    expect(functionOfImage('europe-docker.pkg.dev/p/repo/exchange-sim:v2')).toBe('exchange-sim');
    expect(functionOfImage('localhost:5000/persister@sha256:abc')).toBe('persister');
    expect(functionOfImage('orchestrator')).toBe('orchestrator');
    expect(functionOfImage('nginx:1.27')).toBeUndefined();
    expect(functionOfImage('streamforge/loader-v2:1')).toBeUndefined();
  });

  it('runs the bundle with this Node, command and args as given, and refuses an unknown image', () => {
    expect(executableFor({ image: 'streamforge/loader:0.1.0' })).toEqual({ file: process.execPath, args: [`${bundleDir}/loader.mjs`], bundle: `${bundleDir}/loader.mjs` });
    expect(executableFor({ image: 'busybox', command: ['sh', '-c'], args: ['echo hi'] })).toEqual({ file: 'sh', args: ['-c', 'echo hi'], bundle: undefined });
    expect(executableFor({ image: 'x/dummy:1', command: ['node', '-e', '0'] }).file).toBe(process.execPath);
    expect(() => executableFor({ image: 'nginx:1.27' })).toThrow(ContainerStartError);
    expect(() => executableFor({ image: 'nginx:1.27' })).toThrow(/^image "nginx:1.27" is not a StreamForge function/);
  });
});

describe('quantities', () => {
  it('reads binary and decimal suffixes, exponents and milli-units', () => {
    expect(parseQuantity('64Mi')).toBe(64 * 2 ** 20);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('500M')).toBe(500e6);
    expect(parseQuantity('129e6')).toBe(129e6);
    expect(parseQuantity('250m')).toBe(0.25);
    expect(parseQuantity('2')).toBe(2);
    expect(() => parseQuantity('lots')).toThrow('"lots" is not a Kubernetes quantity');
  });
});

describe('$(VAR) expansion', () => {
  const vars: Record<string, string> = { A: 'x', B: 'y' };
  it('expands known variables, keeps unknown ones, and reads $$ as a literal $', () => {
    expect(expand('$(A)-$(B)', (n) => vars[n])).toBe('x-y');
    expect(expand('$(C) stays', (n) => vars[n])).toBe('$(C) stays');
    expect(expand('$$(A) and $$', (n) => vars[n])).toBe('$(A) and $');
    expect(expand('cost: $5 (A)', (n) => vars[n])).toBe('cost: $5 (A)');
  });
});

describe('pod phase', () => {
  const container = (state: ContainerReport['state'], lastState: ContainerReport['lastState'] = {}): ContainerReport => ({
    name: 'c',
    image: 'i',
    imageID: '',
    state,
    lastState,
    ready: false,
    started: false,
    restartCount: 0,
  });
  const exited = (exitCode: number) => ({ terminated: { exitCode, reason: exitCode ? 'Error' : 'Completed', finishedAt: '2024-01-01T00:00:00Z' } });
  it('follows the kubelet: waiting is Pending, a restarting container keeps the pod Running, exits end it per restartPolicy', () => {
    expect(phaseOf([container({ waiting: { reason: 'ErrImagePull' } })], 'Always', false)).toBe('Pending');
    expect(phaseOf([container({ running: { startedAt: '2024-01-01T00:00:00Z' } })], 'Never', false)).toBe('Running');
    expect(phaseOf([container({ waiting: { reason: 'CrashLoopBackOff' } }, exited(1))], 'Always', false)).toBe('Running');
    expect(phaseOf([container(exited(0))], 'Never', false)).toBe('Succeeded');
    expect(phaseOf([container(exited(137))], 'Never', false)).toBe('Failed');
    expect(phaseOf([container(exited(0))], 'OnFailure', false)).toBe('Succeeded');
    expect(phaseOf([container(exited(0))], 'Always', false)).toBe('Running');
    expect(phaseOf([container(exited(143))], 'Always', true)).toBe('Failed');
  });
});
