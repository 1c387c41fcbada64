// Where a local cluster keeps what `up` started, so `down` and `status` (other processes) find it.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { ROOT } from './processes.ts';

export interface ClusterState {
  readonly name: string;
  readonly dir: string;
  readonly brokerPort: number;
  readonly brokers: string;
  readonly kubeconfig: string;
  /** kubectl and the rest of the control plane's binaries. */
  readonly binDir: string;
  readonly simPid: number;
  readonly restUrl: string;
  readonly nodePid: number;
  readonly nodeName: string;
  readonly dataDir: string;
  /** The orchestrator's API, once its pod is ready. */
  readonly apiUrl: string;
  /** A Prometheus configuration that discovers the cluster's pods through its API server. */
  readonly prometheusConfig: string;
}

export const stateDir = (name: string) => `${ROOT}.tools/cluster/${name}`;
const stateFile = (name: string) => `${stateDir(name)}/state.json`;

export async function saveState(state: ClusterState): Promise<void> {
  await mkdir(state.dir, { recursive: true });
  await writeFile(stateFile(state.name), JSON.stringify(state, null, 2));
}

export async function loadState(name: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(name), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

export async function forgetState(name: string): Promise<void> {
  await rm(stateDir(name), { recursive: true, force: true });
}
