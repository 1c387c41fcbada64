// The rule that keeps a PPO backtest honest: a fold's test period is only ever traded by a policy whose
// training ended before it began. The backtester applies it to every fold; rl-agent, to compare a new
// version with the champion on the same unseen bars.
import type { Chooser } from '../walk-forward.ts';
import type { PolicyPackage } from './package.ts';

/** For each fold, the latest of the package's policies trained wholly before the fold's test period. */
export function chooseFrom(loaded: PolicyPackage, uri: string): Chooser {
  return (fold) => {
    const usable = loaded.folds.filter((p) => p.train.to <= fold.test.from);
    const policy = usable.at(-1);
    if (!policy) {
      const first = loaded.folds[0];
      return {
        skip: `${uri} has no policy trained before ${new Date(fold.test.from).toISOString()}${first ? ` (its first was trained up to ${new Date(first.train.to).toISOString()})` : ''}`,
      };
    }
    return { strategy: loaded.strategy(policy.fold), params: { model: uri, policy_fold: policy.fold } };
  };
}
