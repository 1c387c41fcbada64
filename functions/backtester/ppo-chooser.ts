// The PPO agent's strategy for each fold: the policy the rl_train step of this workflow trained on that
// fold's training bars, or, without rl_train, the version `options.backtest.policy` names. A fold is
// only ever traded by a policy whose training ended before its test period began; a fold with none is
// skipped, with the reason, rather than scored on data the policy has seen.
import type { ModelVersion } from '../../shared/contracts/models.ts';
import type { StageCommand } from '../../shared/contracts/pipeline.ts';
import { NonRetriableError } from '../../shared/errors.ts';
import type { StepContext } from '../../shared/harness/function.ts';
import { ModelRegistry } from '../../shared/models/registry.ts';
import { chooseFrom } from '../../shared/trading/ppo/fold-policy.ts';
import type { Chooser } from '../../shared/trading/walk-forward.ts';

export type PolicyChooserFactory = (ctx: StepContext, stage: StageCommand) => Promise<Chooser>;

export const ppoChooser: PolicyChooserFactory = async (ctx, stage) => {
  const registry = new ModelRegistry(ctx);
  const version = await policyVersion(registry, stage);
  // tfjs is loaded when a backtest scores the agent, not when the function starts.
  const { loadPolicyPackage } = await import('../../shared/trading/ppo/package.ts');
  const loaded = await loadPolicyPackage((await registry.load(version)).files);
  return chooseFrom(loaded, version.uri);
};

async function policyVersion(registry: ModelRegistry, stage: StageCommand): Promise<ModelVersion> {
  if (stage.pipeline.includes('rl_train')) {
    const name = stage.options.rl_train.model;
    const mine = (await registry.versions(name)).filter((v) => v.lineage.workflow_id === stage.workflow_id).sort((a, b) => b.version - a.version)[0];
    if (!mine) throw new NonRetriableError(`no version of ${name} was registered by workflow ${stage.workflow_id}'s rl_train step`);
    return mine;
  }
  const reference = stage.options.backtest.policy;
  if (!reference) throw new NonRetriableError('the ppo strategy needs rl_train before backtest, or options.backtest.policy naming a registered policy');
  return registry.resolve(reference);
}
