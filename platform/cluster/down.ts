// `streamforge cluster down`: stops what `up` started, node first (its pods get SIGTERM and drain),
// then the simulator, KEDA, the control plane and the broker; forgets the cluster's state.
import { script, stopProcess } from './processes.ts';
import { forgetState, loadState } from './state.ts';

export async function clusterDown(name = 'local', log: (line: string) => void = () => undefined): Promise<boolean> {
  const state = await loadState(name);
  if (!state) return false;
  log(`stopping the process node (its pods drain)…`);
  await stopProcess(state.nodePid, 60_000);
  await stopProcess(state.simPid, 10_000);
  log('stopping KEDA, the control plane and the broker…');
  await script('keda/operator.sh', ['stop', '--name', name], 120_000).catch((error: Error) => log(error.message));
  await script('k8s/cluster.sh', ['stop', '--name', name], 120_000).catch((error: Error) => log(error.message));
  await script('kafka/broker.sh', ['stop', '--port', String(state.brokerPort)], 120_000).catch((error: Error) => log(error.message));
  await forgetState(name);
  return true;
}
