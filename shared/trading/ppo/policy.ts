// A trained actor as a trading strategy: the backtester hands it closed bars through simulate(), the
// live agent as they close. It keeps its own Observer, so it sees exactly what it was trained on, and
// acts deterministically at evaluation: the most probable action, whose probability is its confidence.
import type * as tf from '@tensorflow/tfjs';
import { ACTIONS, type Action, type PriceBar } from '../execution.ts';
import type { Holding, Strategy } from '../simulate.ts';
import { DenseForward, inputSizeOf, logSoftmax } from './forward.ts';
import { Observer, observationSize } from './observation.ts';

export interface Decision {
  readonly action: Action;
  /** The chosen action's probability under the policy. */
  readonly confidence: number;
}

export class PpoPolicy implements Strategy {
  private readonly observer: Observer;
  private readonly forward: DenseForward;
  private readonly logProbabilities = new Float64Array(ACTIONS.length);
  /** The last decision taken on a warm observation; undefined while the window is still filling. */
  lastDecision: Decision | undefined;

  /** Copies the actor's weights: the model may be disposed afterwards. */
  constructor(actor: tf.LayersModel, window: number) {
    if (inputSizeOf(actor) !== observationSize(window)) {
      throw new RangeError(`the actor takes ${inputSizeOf(actor)} features, not the ${observationSize(window)} of a window of ${window} returns`);
    }
    this.observer = new Observer(window);
    this.forward = DenseForward.fromModel(actor);
  }

  get lastConfidence(): number | undefined {
    return this.lastDecision?.confidence;
  }

  /** Holds (stays as it is) until it has seen `window` returns. */
  decide(bar: PriceBar, holding: Holding): Action {
    this.observer.push(bar);
    const observation = this.observer.observe(holding.long ? 1 : 0);
    if (observation === null) {
      this.lastDecision = undefined;
      return 'hold';
    }
    const probabilities = this.probabilities(observation);
    let best = 0;
    for (let k = 1; k < probabilities.length; k++) if (probabilities[k]! > probabilities[best]!) best = k;
    this.lastDecision = { action: ACTIONS[best]!, confidence: probabilities[best]! };
    return this.lastDecision.action;
  }

  /** The probabilities of ACTIONS for one observation. */
  probabilities(observation: Float32Array): Float64Array {
    logSoftmax(this.forward.run(observation, 1), 0, ACTIONS.length, this.logProbabilities);
    return this.logProbabilities.map(Math.exp);
  }
}
