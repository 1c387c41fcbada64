// Proximal policy optimization over several trading environments: alternate a rollout of
// `rollout_steps` steps across them with a PPO update on it until `steps_per_fold` steps are trained.
// The seed decides the initial weights, every episode's start, every sampled action and every shuffle,
// so the same seed trains the same policy; an abort stops it between epochs.
import { setImmediate as nextTurn } from 'node:timers/promises';
import * as tf from '@tensorflow/tfjs';
import type { RlTrainOptions } from '../../shared/contracts/pipeline.ts';
import { deriveSeed, seededRandom } from '../../shared/ml/random.ts';
import { useCpuBackend } from '../../shared/ml/tf.ts';
import type { TradingEnvironment } from './environment.ts';
import { DenseForward } from '../../shared/trading/ppo/forward.ts';
import { generalizedAdvantages } from './gae.ts';
import { buildActor, buildCritic } from './networks.ts';
import { inputSizeOf } from '../../shared/trading/ppo/forward.ts';
import { observationSize } from '../../shared/trading/ppo/observation.ts';
import { RolloutCollector } from './rollout.ts';
import { ppoUpdate, type UpdateLosses } from './update.ts';

export interface PpoStats extends UpdateLosses {
  /** 1-based. */
  readonly update: number;
  /** Environment steps trained so far. */
  readonly steps: number;
  /** Summed reward (100 × ln of equity's growth) of the episodes that ended in this rollout, on average; null when none ended. */
  readonly meanEpisodeReward: number | null;
  readonly episodes: number;
  /** Environment steps of this update over its wall time, the rollout and the update together. */
  readonly stepsPerSecond: number;
}

export interface PpoNetworks {
  readonly actor: tf.LayersModel;
  readonly critic: tf.LayersModel;
}

export interface PpoHooks {
  /** Aborting stops training before the next epoch and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Awaited after every update, e.g. to report progress. */
  onUpdate?(stats: PpoStats): void | Promise<void>;
  /** Weights to start from instead of fresh ones, e.g. the previous fold's; copied, never changed. */
  readonly initial?: PpoNetworks;
}

export interface TrainedPpo extends PpoNetworks {
  readonly updates: number;
  readonly steps: number;
  readonly stats: readonly PpoStats[];
}

// Purposes of derived seeds; the networks use 1 and 2, the shuffles 3.
const EPISODE_SEED = 4;
const ACTION_SEED = 5;

/** Trains a fresh actor and critic (or copies of `hooks.initial`); the caller disposes the two it gets. */
export async function trainPpo(environments: readonly TradingEnvironment[], options: RlTrainOptions, hooks: PpoHooks = {}): Promise<TrainedPpo> {
  await useCpuBackend();
  hooks.signal?.throwIfAborted();
  const size = observationSize(options.window);
  if (environments.some((env) => env.observationSize !== size)) throw new RangeError(`every environment must observe a window of ${options.window} returns (${size} features)`);
  const collector = new RolloutCollector(
    environments,
    environments.map((_, e) => seededRandom(deriveSeed(options.seed, EPISODE_SEED, e))),
    seededRandom(deriveSeed(options.seed, ACTION_SEED)),
  );
  const { actor, critic } = networks(size, options, hooks.initial);
  const optimizer = tf.train.adam(options.learning_rate);
  try {
    // rollout_steps is shared out among the environments, rounded up to whole steps for each.
    const stepsPerEnvironment = Math.ceil(options.rollout_steps / environments.length);
    const updates = Math.ceil(options.steps_per_fold / options.rollout_steps);
    const stats: PpoStats[] = [];
    let steps = 0;
    for (let update = 1; update <= updates; update++) {
      await nextTurn();
      hooks.signal?.throwIfAborted();
      const started = performance.now();
      const rollout = collector.collect(DenseForward.fromModel(actor), DenseForward.fromModel(critic), stepsPerEnvironment);
      const targets = generalizedAdvantages(rollout, options.gamma, options.gae_lambda);
      const losses = await ppoUpdate(actor, critic, optimizer, rollout, targets, { ...options, update, signal: hooks.signal });
      const taken = rollout.steps * rollout.envs;
      steps += taken;
      const episodes = rollout.episodeRewards.length;
      const updateStats: PpoStats = {
        update,
        steps,
        ...losses,
        meanEpisodeReward: episodes === 0 ? null : rollout.episodeRewards.reduce((a, b) => a + b, 0) / episodes,
        episodes,
        stepsPerSecond: taken / ((performance.now() - started) / 1000),
      };
      stats.push(updateStats);
      await hooks.onUpdate?.(updateStats);
    }
    return { actor, critic, updates, steps, stats };
  } catch (error) {
    actor.dispose();
    critic.dispose();
    throw error;
  } finally {
    optimizer.dispose();
  }
}

function networks(size: number, options: RlTrainOptions, initial: PpoNetworks | undefined): PpoNetworks {
  const shape = { observationSize: size, hidden: options.hidden, seed: options.seed };
  const actor = buildActor(shape);
  const critic = buildCritic(shape);
  if (initial !== undefined) {
    for (const [model, from] of [
      [actor, initial.actor],
      [critic, initial.critic],
    ] as const) {
      const shapes = (m: tf.LayersModel) => m.getWeights().map((w) => w.shape.join('x'));
      if (inputSizeOf(from) !== size || shapes(from).join() !== shapes(model).join()) {
        actor.dispose();
        critic.dispose();
        throw new RangeError(`the initial ${model.name} does not match window ${options.window} and hidden ${options.hidden}: its weights are ${shapes(from).join(', ')}`);
      }
      model.setWeights(from.getWeights());
    }
  }
  return { actor, critic };
}
