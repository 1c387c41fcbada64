// Whether a newly trained PPO version should become champion: there is none yet, or it earns more than
// the champion on this run's last test period, both after costs. The champion trades that period with its
// newest policy trained before it began (the backtest's rule), so neither is scored on bars it has seen;
// a champion with no such policy cannot be compared out of sample, and stays.
import type { ModelRegistry } from '../../shared/models/registry.ts';
import { runWalkForward } from '../../shared/trading/walk-forward.ts';
import type { WorkflowBars } from '../../shared/trading/workflow-bars.ts';
import type { FoldScores } from './index.ts';
import { chooseFrom } from '../../shared/trading/ppo/fold-policy.ts';

/** Returns within a hundredth of a basis point are a tie, which the champion keeps. */
const TIE = 1e-6;

export async function challengeChampion(registry: ModelRegistry, name: string, data: WorkflowBars, last: FoldScores['lastFold']): Promise<{ moves: boolean; reason: string }> {
  const current = await registry.find(`models:/${name}@champion`);
  if (!current) return { moves: true, reason: "moved to this version, the model's first" };
  const stays = `stays at version ${current.version}`;
  const { loadPolicyPackage } = await import('../../shared/trading/ppo/package.ts');
  const pkg = await loadPolicyPackage((await registry.load(current)).files);
  if (pkg.manifest.interval_ms !== data.intervalMs) return { moves: false, reason: `${stays}: it trades bars of ${pkg.manifest.interval_ms} ms, these are ${data.intervalMs} ms` };
  const choose = chooseFrom(pkg, current.uri);
  const runOptions = { costs: data.stage.options.costs, initialCash: 1, periodsPerYear: data.periodsPerYear, intervalMs: data.intervalMs };
  const theirs = await Promise.all(data.series.map((s) => runWalkForward('ppo', s.symbol, s.bars, [last.span], choose, runOptions)));
  if (theirs.some((r) => r.skipped.length > 0))
    return { moves: false, reason: `${stays}: it has no policy trained before this run's last test period, so the two cannot be compared out of sample` };
  const theirReturn = theirs.reduce((sum, r) => sum + r.aggregate.total_return, 0) / theirs.length;
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const score = `${pct(theirReturn)} against this version's ${pct(last.testReturn)} on the last test period`;
  return last.testReturn > theirReturn + TIE
    ? { moves: true, reason: `moved to this version, which beats version ${current.version} (${score})` }
    : { moves: false, reason: `${stays}: this version does not beat it (${score})` };
}
