// A registered PPO version as the rl-agent writes it: one policy per walk-forward fold (`fold-0/`,
// `fold-1/`, …, each a tfjs actor with its policy.json) and `walk-forward.json`, which says on which bars
// each was trained and tested. The backtester trades each fold's test period with the policy trained
// before it; the live agent trades with the newest, trained on the latest bars.
import { type PackageManifest, readManifest } from './manifest.ts';
import { loadPolicy, readPolicyMeta } from './artifacts.ts';
import { PpoPolicy } from './policy.ts';

export interface PolicyPackage {
  readonly manifest: PackageManifest;
  readonly folds: PackageManifest['folds'];
  /** A fresh strategy (its own observation window) trading with the fold's policy. */
  strategy(fold: number): PpoPolicy;
  /** The policy of the newest fold: what the live agent trades with. */
  newest(): PpoPolicy;
}

/** Reads every fold's actor once; each strategy copies the weights of its fold's actor. */
export async function loadPolicyPackage(files: ReadonlyMap<string, Uint8Array>): Promise<PolicyPackage> {
  const manifest = readManifest(files);
  const factories = new Map<number, () => PpoPolicy>();
  for (const fold of manifest.folds) {
    const actor = await loadPolicy(files, fold.prefix);
    const { window } = readPolicyMeta(files, fold.prefix);
    factories.set(fold.fold, () => new PpoPolicy(actor, window));
  }
  const newest = manifest.folds.at(-1)!.fold;
  return {
    manifest,
    folds: manifest.folds,
    strategy(fold) {
      const make = factories.get(fold);
      if (!make) throw new RangeError(`the package has no policy for fold ${fold}`);
      return make();
    },
    newest: () => factories.get(newest)!(),
  };
}
