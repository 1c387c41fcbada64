// The PPO agent's training ground: episodes over one series' training bars, traded through the same
// Account and order of events as the backtest (decide on bar t's close, fill at bar t+1's open, mark at
// bar t+1's close). The reward is the log growth of equity over the step, in percent, after the fee and
// slippage the account paid, so the agent learns to trade only when a move is worth its costs.
import type { RlTrainOptions } from '../../shared/contracts/pipeline.ts';
import { ACTIONS, Account, type Action, type Costs, type PriceBar } from '../../shared/trading/execution.ts';
import { Observer, observationSize, warmupBars } from '../../shared/trading/ppo/observation.ts';

export interface EnvironmentSpec extends Pick<RlTrainOptions, 'window' | 'episode_bars'> {
  /** One symbol's bars, in time order, every price finite. */
  readonly bars: readonly PriceBar[];
  readonly costs: Costs;
  /** The bars episodes are traded on, [start, end); bars before `start` may serve as warm-up. Default: all. */
  readonly start?: number;
  readonly end?: number;
}

export interface Transition {
  /** After the bar the step ended on closed. */
  readonly observation: Float32Array;
  readonly reward: number;
  /** The episode has ended: the next step needs a reset. */
  readonly done: boolean;
}

/** Equity is scale-free here: rewards are ratios. */
const INITIAL_CASH = 1;
const REWARD_SCALE = 100;

export class TradingEnvironment {
  readonly observationSize: number;
  private readonly spec: EnvironmentSpec;
  /** The first and last bar an episode may start its decisions on. */
  private readonly firstStart: number;
  private readonly lastStart: number;
  private observer: Observer;
  private account: Account;
  /** The closed bar the next action is decided on. */
  private t = -1;
  private episodeEnd = -1;

  constructor(spec: EnvironmentSpec) {
    const start = spec.start ?? 0;
    const end = spec.end ?? spec.bars.length;
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= spec.bars.length)) {
      throw new RangeError(`the training period [${start}, ${end}) is not within the ${spec.bars.length} bars`);
    }
    this.spec = spec;
    this.observationSize = observationSize(spec.window);
    // An episode decides on bars s … s+episode_bars-1; its last fill and mark are on bar s+episode_bars.
    this.firstStart = Math.max(start, warmupBars(spec.window));
    this.lastStart = end - spec.episode_bars - 1;
    if (this.lastStart < this.firstStart) {
      throw new RangeError(
        `an episode of ${spec.episode_bars} bars after ${warmupBars(spec.window)} bars of warm-up does not fit in bars [${start}, ${end}): it needs ${this.firstStart + spec.episode_bars + 1 - start} bars`,
      );
    }
    this.observer = new Observer(spec.window);
    this.account = new Account(INITIAL_CASH, spec.costs);
  }

  /** Starts an episode at a random bar of the period and returns its first observation, flat and all in cash. */
  reset(random: () => number): Float32Array {
    const span = this.lastStart - this.firstStart + 1;
    const start = this.firstStart + Math.min(span - 1, Math.floor(random() * span));
    this.observer = new Observer(this.spec.window);
    // The warm-up is history from before the episode's first decision: seen, never traded.
    for (let t = start - warmupBars(this.spec.window); t <= start; t++) this.observer.push(this.spec.bars[t]!);
    this.account = new Account(INITIAL_CASH, this.spec.costs);
    this.t = start;
    this.episodeEnd = start + this.spec.episode_bars;
    return this.observation();
  }

  step(action: Action | number): Transition {
    if (this.t < 0 || this.t >= this.episodeEnd) throw new Error('step() needs reset() first, and again after each episode ends');
    const decided = this.spec.bars[this.t]!;
    const next = this.spec.bars[this.t + 1]!;
    const before = this.account.equityAt(decided.close);
    this.account.fill(typeof action === 'number' ? ACTIONS[action]! : action, next.open, decided.open_time, next.open_time);
    const after = this.account.equityAt(next.close);
    this.observer.push(next);
    this.t++;
    return { observation: this.observation(), reward: Math.log(after / before) * REWARD_SCALE, done: this.t === this.episodeEnd };
  }

  private observation(): Float32Array {
    // Long means all of equity in the asset: a buy spends all the cash.
    return this.observer.observe(this.account.long ? 1 : 0)!;
  }
}
