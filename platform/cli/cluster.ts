// `streamforge cluster up | down | status [--json]`: the platform on a local Kubernetes control plane
// with the real KEDA operator, its functions run as processes by the process node.
import { z } from 'zod';
import { parseOptions } from './args.ts';
import { UsageError } from './usage.ts';

const schema = z.object({
  json: z.boolean().optional(),
  name: z
    .string()
    .regex(/^[a-z0-9-]{1,30}$/, 'must be lower-case letters, digits and dashes')
    .optional(),
});

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { json: { type: 'boolean' }, name: { type: 'string' } }, schema);
  const action = positionals[0];
  const name = values.name ?? 'local';
  const log = (line: string) => console.error(`cluster ${name}: ${line}`);
  if (action === 'up') {
    const { clusterUp } = await import('../cluster/up.ts');
    const state = await clusterUp({ name, log });
    console.log(
      [
        `StreamForge runs on the local cluster "${name}": orchestrator at ${state.apiUrl}`,
        `  kubectl           KUBECONFIG=${state.kubeconfig} ${state.binDir}/kubectl get scaledjobs,jobs,pods -n streamforge`,
        `  Kafka             ${state.brokers}`,
        `  exchange          ${state.restUrl} (simulator)`,
        `  try: npx streamforge run --url ${state.apiUrl} --symbols BTCUSDT,ETHUSDT --types api_candles_5m,api_trades --range 2024-08-01:2024-08-02`,
        `  then: npx streamforge cluster status; npx streamforge cluster down`,
      ].join('\n'),
    );
    return 0;
  }
  if (action === 'down') {
    const { clusterDown } = await import('../cluster/down.ts');
    if (!(await clusterDown(name, log))) console.error(`cluster ${name}: nothing to stop`);
    return 0;
  }
  if (action === 'status') {
    const [{ loadState }, { clusterStatus }] = await Promise.all([import('../cluster/state.ts'), import('../cluster/status.ts')]);
    const state = await loadState(name);
    if (!state) {
      console.error(`cluster ${name} is not up; start it with: npx streamforge cluster up`);
      return 1;
    }
    const status = await clusterStatus(state);
    if (values.json) {
      console.log(
        JSON.stringify({ scaledJobs: status.scaledJobs.map(({ name, lag, activeJobs, pods }) => ({ name, lag, activeJobs, pods })), scaledObjects: status.scaledObjects }),
      );
      return 0;
    }
    console.log(`orchestrator at ${state.apiUrl}`);
    for (const s of [...status.scaledJobs, ...status.scaledObjects])
      console.log(`${s.kind.padEnd(13)} ${s.name.padEnd(12)} lag ${String(s.lag).padStart(4)}  active jobs ${String(s.activeJobs).padStart(2)}  pods ${s.pods}`);
    return 0;
  }
  throw new UsageError(`cluster takes up, down or status, not ${action ? `"${action}"` : 'nothing'}`);
}
