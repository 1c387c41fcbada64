// `streamforge node`: a process node for a local control plane: registers a Node and runs the pods bound
// to it as local processes (platform/node/) until SIGINT/SIGTERM, then stops them and marks it NotReady.
import { z } from 'zod';
import { createLogger } from '../../shared/logger.ts';
import { numberOption, parseOptions } from './args.ts';
import { untilSignal } from './signals.ts';

const schema = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a DNS subdomain name (lower case letters, digits, "-" and ".")')
    .optional(),
  kubeconfig: z.string().min(1).optional(),
  'state-dir': z.string().min(1).optional(),
  cpu: numberOption('a number of CPUs, more than 0', { min: 0.1 }),
});

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    argv,
    { name: { type: 'string' }, kubeconfig: { type: 'string' }, 'state-dir': { type: 'string' }, cpu: { type: 'string' } },
    schema,
  );
  if (positionals.length > 0) throw new (await import('./usage.ts')).UsageError(`node takes no arguments, got "${positionals.join(' ')}"`);
  const { startProcessNode } = await import('../node/index.ts');
  const node = await startProcessNode({
    ...(values.name ? { name: values.name } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values['state-dir'] ? { stateDir: values['state-dir'] } : {}),
    // The CPUs the node offers the scheduler: more than the machine has lets more pods share it.
    ...(values.cpu ? { capacity: { cpu: String(values.cpu) } } : {}),
    logger: createLogger('node'),
  });
  console.log(`process node ${node.name} is Ready; pods run as local processes, their logs in ${node.stateDir}/pods (npx streamforge logs <pod>)`);
  const signal = await untilSignal();
  console.log(`${signal}: stopping the pods' processes and marking ${node.name} NotReady…`);
  await node.stop();
  return 0;
}
